// src/model's server-side records name Node's Buffer (output chunks); the UI never holds one, so it is bytes here.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a global name for Uint8Array, nothing more
interface Buffer extends Uint8Array {}
