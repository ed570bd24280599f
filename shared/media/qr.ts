import jsQRModule from 'jsqr';

// jsqr is CommonJS with an `exports.default` its types describe as an ES default; under NodeNext the import is the module object.
const jsQR = jsQRModule.default;

/** The text of a QR code in the image, if one reads cleanly. */
export function readQr(img: { data: Uint8ClampedArray; width: number; height: number }): string | undefined {
  const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
  const text = found?.data.trim();
  return text ? text.slice(0, 2000) : undefined;
}

/**
 * A QR code's target as a contact entity: links as written, t.me links also as "@name" (how the campaign
 * linker knows an account), and bare "@handles". Anything else (a wallet address, free text) is kept as written.
 */
export function qrContacts(target: string): string[] {
  const tme = /^(?:https?:\/\/)?(?:t\.me|telegram\.me)\/(?!joinchat\b|\+)(\w{3,})/i.exec(target)?.[1];
  if (tme) return [target, `@${tme}`];
  return [target];
}
