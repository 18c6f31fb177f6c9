/**
 * The names of the kiosk's secret files in its data folder, one definition for the service (src/common) and the
 * Electron shell (src/main), which cannot import each other: the data key that seals personal data, the device's
 * private key, and the suffix of either once wrapped by the operating system's key store. Pure constants.
 */

/** The data key (base64), in the clear; gone once the shell has wrapped it. */
export const DATA_KEY_FILE = 'data.key';
/** The device's Ed25519 private key (PEM), in the clear; gone once the shell has wrapped it. */
export const DEVICE_KEY_FILE = 'device-key.pem';
/** Appended to a file's name once its content is wrapped by the OS key store (`data.key.os`). */
export const WRAPPED_SUFFIX = '.os';
