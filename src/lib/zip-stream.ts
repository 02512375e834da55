/**
 * A zip written in pieces that may be produced by different invocations (the export Workflow's
 * steps): the fixed entries go first with their sizes known, the last entry is STORED with a data
 * descriptor (general-purpose flag bit 3), so its CRC-32 and size are carried from step to step as
 * two numbers and written after its data, followed by the central directory. Readers that go by the
 * central directory (Excel, LibreOffice, Numbers, unzip, fflate) read it. No Zip64: one entry and the
 * whole file stay below 4 GiB (the XLSX export refuses more rows than a sheet holds long before that).
 * Written here rather than with fflate (which builds the one-request XLSX, src/lib/xlsx.ts): fflate's
 * streaming zip keeps its CRC state inside one object, which cannot be carried between Workflow steps.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, as zip uses) of `bytes`, continuing from `previous` (0 to start). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00 in MS-DOS date/time: the same data gives the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DATA_DESCRIPTOR_FLAG = 0x0008;

type Entry = { name: Uint8Array; crc: number; size: number; offset: number; flags: number };

/** Where the streamed entry stands after some of its data: carried between Workflow steps. */
export type StreamedEntryState = { crc: number; size: number };
/** What the suffix needs to know about the prefix: the fixed entries and where the streamed one starts. */
export type ZipPrefixLayout = { fixed: { name: string; crc: number; size: number; offset: number }[]; streamedName: string; streamedOffset: number };

function writer(length: number) {
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  let at = 0;
  return {
    bytes,
    u16(v: number) {
      view.setUint16(at, v, true);
      at += 2;
    },
    u32(v: number) {
      view.setUint32(at, v >>> 0, true);
      at += 4;
    },
    raw(b: Uint8Array) {
      bytes.set(b, at);
      at += b.length;
    },
  };
}

function localHeader(entry: Entry): Uint8Array {
  const w = writer(30 + entry.name.length);
  w.u32(0x04034b50);
  w.u16(20);
  w.u16(entry.flags);
  w.u16(0); // STORE
  w.u16(DOS_TIME);
  w.u16(DOS_DATE);
  w.u32(entry.flags & DATA_DESCRIPTOR_FLAG ? 0 : entry.crc);
  w.u32(entry.flags & DATA_DESCRIPTOR_FLAG ? 0 : entry.size);
  w.u32(entry.flags & DATA_DESCRIPTOR_FLAG ? 0 : entry.size);
  w.u16(entry.name.length);
  w.u16(0);
  w.raw(entry.name);
  return w.bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The fixed entries (name → bytes) and the streamed entry's local header; its data follows. */
export function zipPrefix(fixed: { name: string; data: Uint8Array }[], streamedName: string): { bytes: Uint8Array; layout: ZipPrefixLayout } {
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [];
  const layout: ZipPrefixLayout = { fixed: [], streamedName, streamedOffset: 0 };
  let offset = 0;
  for (const file of fixed) {
    const entry: Entry = { name: encoder.encode(file.name), crc: crc32(file.data), size: file.data.length, offset, flags: 0 };
    const header = localHeader(entry);
    pieces.push(header, file.data);
    layout.fixed.push({ name: file.name, crc: entry.crc, size: entry.size, offset });
    offset += header.length + file.data.length;
  }
  layout.streamedOffset = offset;
  pieces.push(localHeader({ name: encoder.encode(streamedName), crc: 0, size: 0, offset, flags: DATA_DESCRIPTOR_FLAG }));
  return { bytes: concat(pieces), layout };
}

/** The streamed entry's data descriptor, the central directory and its end record. */
export function zipSuffix(layout: ZipPrefixLayout, streamed: StreamedEntryState): Uint8Array {
  const encoder = new TextEncoder();
  const entries: Entry[] = [
    ...layout.fixed.map((f) => ({ name: encoder.encode(f.name), crc: f.crc, size: f.size, offset: f.offset, flags: 0 })),
    { name: encoder.encode(layout.streamedName), crc: streamed.crc, size: streamed.size, offset: layout.streamedOffset, flags: DATA_DESCRIPTOR_FLAG },
  ];
  const descriptor = writer(16);
  descriptor.u32(0x08074b50);
  descriptor.u32(streamed.crc);
  descriptor.u32(streamed.size);
  descriptor.u32(streamed.size);
  const streamedHeaderLength = 30 + entries[entries.length - 1]!.name.length;
  const centralOffset = layout.streamedOffset + streamedHeaderLength + streamed.size + 16;
  const central = entries.map((e) => {
    const w = writer(46 + e.name.length);
    w.u32(0x02014b50);
    w.u16(20);
    w.u16(20);
    w.u16(e.flags);
    w.u16(0);
    w.u16(DOS_TIME);
    w.u16(DOS_DATE);
    w.u32(e.crc);
    w.u32(e.size);
    w.u32(e.size);
    w.u16(e.name.length);
    w.u16(0);
    w.u16(0);
    w.u16(0);
    w.u16(0);
    w.u32(0);
    w.u32(e.offset);
    w.raw(e.name);
    return w.bytes;
  });
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  const end = writer(22);
  end.u32(0x06054b50);
  end.u16(0);
  end.u16(0);
  end.u16(entries.length);
  end.u16(entries.length);
  end.u32(centralSize);
  end.u32(centralOffset);
  end.u16(0);
  return concat([descriptor.bytes, ...central, end.bytes]);
}
