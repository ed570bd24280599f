import { describe, expect, it } from 'vitest';
import { classify } from '../../shared/classifier/index.js';
import { matchCampaign, simhash } from '../../shared/campaign-match.js';
import { cleanOcrText, withImages } from '../../shared/media/image-verdict.js';
import { qrContacts } from '../../shared/media/qr.js';

const SHA = 'a'.repeat(64);

describe('image text as a segment of its own', () => {
  it('drops OCR noise lines (a QR code read as glyphs) and keeps words and numbers', () => {
    expect(cleanOcrText('£100 to whoever paints\n\nthe mosque on X Road E10\ne\n2\n[=]!\n')).toBe(
      '£100 to whoever paints\nthe mosque on X Road E10\n2',
    );
  });

  it('flags a post with a harmless caption by its image text, spans marked with the image', () => {
    const caption = classify('Saw this on the way home, thoughts?');
    expect(caption.flagged).toBe(false);
    const image = classify('£100 to whoever paints\nthe mosque on X Road E10\nsend pic, t.me/somechannel');
    const merged = withImages(caption, [{ sha256: SHA, verdict: image, qr: 'https://t.me/somechannel' }]);
    expect(merged.flagged).toBe(true);
    expect(merged.labels).toContain('bounty_offer');
    expect(merged.severity).toBe(image.severity);
    expect(merged.rationale.filter((r) => r.image).length).toBe(image.rationale.length);
    expect(merged.rationale.filter((r) => !r.image)).toEqual(caption.rationale);
    expect(merged.entities.qrTargets).toEqual(['https://t.me/somechannel']);
    expect(merged.entities.contacts).toEqual(
      expect.arrayContaining(['t.me/somechannel', 'https://t.me/somechannel', '@somechannel']),
    );
    expect(merged.nearMiss).toBe(false);
  });

  it('leaves an unflagged post unflagged when its image says nothing of concern', () => {
    const caption = classify('Lovely turnout on Saturday, thank you all');
    const merged = withImages(caption, [
      { sha256: SHA, verdict: classify('Community bake sale\nSaturday 10am at the library'), qr: null },
    ]);
    expect(merged.flagged).toBe(false);
    expect(merged.entities.qrTargets).toBeUndefined();
  });

  it('reads QR targets as contacts: t.me links also as @name', () => {
    expect(qrContacts('https://t.me/somechannel')).toEqual(['https://t.me/somechannel', '@somechannel']);
    expect(qrContacts('https://t.me/joinchat/AbC')).toEqual(['https://t.me/joinchat/AbC']);
    expect(qrContacts('bc1qexampleaddress')).toEqual(['bc1qexampleaddress']);
  });
});

describe('campaigns join by image', () => {
  const known = {
    id: 7,
    simhash: simhash('£100 to whoever paints the mosque on X Road E10'),
    targets: [],
    handles: [],
    labels: ['bounty_offer'],
    imageHashes: ['f0f0f0f0f0f0f0f0'],
  };
  const item = (imageHashes: string[]) => ({
    simhash: simhash('completely different words about something else entirely here'),
    targets: [],
    handles: [],
    labels: ['bounty_offer'],
    imageHashes,
  });

  it('joins a post whose image is within the threshold, whatever its words', () => {
    expect(matchCampaign(item(['f0f0f0f0f0f0f0f3']), [known])?.id).toBe(7);
  });

  it('does not join on an image past the threshold, or with no image', () => {
    expect(matchCampaign(item(['0f0f0f0f0f0f0f0f']), [known])).toBeUndefined();
    expect(matchCampaign(item([]), [known])).toBeUndefined();
  });
});
