import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../shared/media/image-decode.js';
import { dhashOf, hexHamming, IMAGE_NEAR_DUPLICATE_BITS, phashOf } from '../../shared/media/perceptual-hash.js';
import { BENIGN_FLYER, OFFER_POSTER, photo, poster, reencode } from '../support/posters.js';

const hashes = async (img: Buffer) => decodeImage(img, { maxPixels: 50_000_000 });

describe('perceptual hashes', () => {
  it('pHash and dHash are 64 bits and stable for the same pixels', () => {
    const flat = new Uint8Array(1024).map((_, i) => (i * 7) % 251);
    expect(phashOf(flat)).toMatch(/^[0-9a-f]{16}$/);
    expect(phashOf(flat)).toBe(phashOf(flat.slice()));
    expect(dhashOf(new Uint8Array(72).map((_, i) => i))).toBe('0000000000000000');
    expect(hexHamming('ffffffffffffffff', '0000000000000000')).toBe(64);
  });

  // The threshold's measurement: copies of one poster vs unrelated images (README states the figures).
  it('keeps re-encoded and resized copies within the threshold and unrelated images well outside it', async () => {
    const offer = await poster(OFFER_POSTER);
    const other = await poster({
      lines: ['£50 for a pic of', 'the school gate sprayed', 'DM @another_admin'],
      qr: 'https://t.me/another_admin',
    });
    const flyer = await poster(BENIGN_FLYER);
    const base = await hashes(offer);
    const copies = await Promise.all([
      reencode(offer, 70, 960),
      reencode(offer, 40, 640),
      reencode(offer, 70, 1920),
      reencode(offer, 90, 1280),
      sharp(offer).resize(800).webp({ quality: 60 }).toBuffer(),
      sharp(offer).resize(1280, 720).modulate({ brightness: 1.1 }).jpeg({ quality: 75 }).toBuffer(),
      sharp(offer).greyscale().jpeg({ quality: 60 }).toBuffer(),
      sharp(offer).extract({ left: 32, top: 18, width: 1216, height: 684 }).jpeg({ quality: 70 }).toBuffer(),
      sharp(offer).extend({ top: 40, bottom: 40, background: '#000' }).jpeg({ quality: 80 }).toBuffer(),
    ]);
    const same = await Promise.all(copies.map(async (c) => hexHamming(base.phash, (await hashes(c)).phash)));
    const unrelatedImages = [other, flyer, ...(await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => photo(seed))))];
    const unrelatedHashes = await Promise.all(unrelatedImages.map(async (u) => (await hashes(u)).phash));
    const unrelated: number[] = [];
    const all = [base.phash, ...unrelatedHashes];
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) unrelated.push(hexHamming(all[i]!, all[j]!));
    console.log(
      `pHash bits: copies ${JSON.stringify(same)} (max ${Math.max(...same)}); unrelated pairs min ${Math.min(...unrelated)}, median ${unrelated.sort((a, b) => a - b)[Math.floor(unrelated.length / 2)]}, n=${unrelated.length}`,
    );
    expect(Math.max(...same)).toBeLessThanOrEqual(IMAGE_NEAR_DUPLICATE_BITS);
    expect(Math.min(...unrelated)).toBeGreaterThan(IMAGE_NEAR_DUPLICATE_BITS);
  });
});
