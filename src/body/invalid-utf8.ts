/**
 * Where the first sequence that is not UTF-8 starts (Unicode's well-formed byte sequences,
 * Table 3-7: no overlong forms, surrogates or code points past U+10FFFF, nothing cut short),
 * or -1 when there is none: what a problem names once a strict decoder has refused a body,
 * which says only that it did.
 *
 * @example
 * invalidUtf8At(new Uint8Array([0x61, 0xc3, 0x28])) // 1
 * invalidUtf8At(new TextEncoder().encode('é')) // -1
 */
export const invalidUtf8At = (bytes: Uint8Array): number => {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]!
    if (lead < 0x80) {
      i++
      continue
    }
    // How many continuation bytes follow, and the range the first of them must be in.
    let follow: number
    let low = 0x80
    let high = 0xbf
    if (lead >= 0xc2 && lead <= 0xdf) follow = 1
    else if (lead >= 0xe0 && lead <= 0xef) {
      follow = 2
      if (lead === 0xe0) low = 0xa0
      else if (lead === 0xed) high = 0x9f
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      follow = 3
      if (lead === 0xf0) low = 0x90
      else if (lead === 0xf4) high = 0x8f
    } else return i
    for (let k = 1; k <= follow; k++) {
      const next = bytes[i + k]
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf))
        return i
    }
    i += follow + 1
  }
  return -1
}
