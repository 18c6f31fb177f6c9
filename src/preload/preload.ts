/**
 * The only bridge between a sandboxed screen and the shell: send a UI-contract message, be told messages. No
 * Electron object, no ipcRenderer, nothing else reaches the page. Runs in Electron's preload (sandboxed).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const CHANNEL = 'hcp:ui';

contextBridge.exposeInMainWorld('hcp', {
  send: (message: unknown) => ipcRenderer.send(CHANNEL, message),
  onMessage: (listener: (message: unknown) => void) => {
    const wrapped = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(CHANNEL, wrapped);
  },
});
