/**
 * How Node runs the kiosk service, wherever it is started: the Electron shell's utility process, the systemd unit
 * (build/linux/hcp-kiosk-browser.service), tests and benchmarks. Pure data.
 *
 * A young generation of at most 2 MiB a semi-space: the service's live heap is about 20 MB and nearly all of its
 * garbage dies young, so V8's default (growing to 16 MiB under load) only held memory: 27 MB more resident after
 * 30,000 ratings, for no speed gained (bench/startup.ts measures the footprint).
 */
export const KIOSK_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
