import { readFileSync } from 'node:fs';
import { findSourceMap, SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourcePosition {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

interface LoadedMap {
  map: SourceMap;
  /** Where relative `sources` are resolved from. */
  base: string;
}

const SOURCE_MAPPING_URL = /\/\/[#@] sourceMappingURL=(\S+)\s*$/;
const DATA_URL = /^data:application\/json;(?:charset=utf-8;)?base64,(.+)$/;

/**
 * Maps positions in compiled JavaScript back to the source it came from, through the source
 * map the compiler emitted (a sourceMappingURL comment: a .map file or an inline data URL),
 * parsed with node:module's own SourceMap. Maps are read once per file, when first needed.
 */
export class SourceMaps {
  private readonly maps = new Map<string, LoadedMap | null>();

  /** The original position of a 0-based generated position, or undefined without a map. */
  original(file: string, line0: number, column0: number): SourcePosition | undefined {
    const loaded = this.load(file);
    if (!loaded) return undefined;
    const entry = loaded.map.findEntry(line0, column0);
    if (!('originalSource' in entry)) return undefined;
    return {
      file: this.sourcePath(entry.originalSource, loaded.base),
      line: entry.originalLine + 1,
      column: entry.originalColumn + 1,
    };
  }

  private sourcePath(source: string, base: string): string {
    if (source.startsWith('file://')) return fileURLToPath(source);
    return isAbsolute(source) ? source : resolve(base, source);
  }

  private load(file: string): LoadedMap | null {
    let loaded = this.maps.get(file);
    if (loaded === undefined) {
      loaded = this.read(file);
      this.maps.set(file, loaded);
    }
    return loaded;
  }

  private read(file: string): LoadedMap | null {
    // Already parsed by Node when it runs with --enable-source-maps (sources made absolute).
    const cached = findSourceMap(file);
    if (cached) return { map: cached, base: dirname(file) };
    try {
      const tail = readFileSync(file, 'utf8').slice(-4096);
      const url = SOURCE_MAPPING_URL.exec(tail)?.[1];
      if (!url) return null;
      const inline = DATA_URL.exec(url)?.[1];
      const mapFile = inline ? file : resolve(dirname(file), decodeURIComponent(url));
      const text = inline
        ? Buffer.from(inline, 'base64').toString('utf8')
        : readFileSync(mapFile, 'utf8');
      const payload = JSON.parse(text) as SourceMapPayload;
      return {
        map: new SourceMap(payload),
        base: resolve(dirname(mapFile), payload.sourceRoot ?? ''),
      };
    } catch {
      // No map, an unreadable one, or not a file at all: frames keep their compiled position.
      return null;
    }
  }
}
