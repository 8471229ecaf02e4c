// Each platform's registered users in name order, kept in step with the directory's changes.
import type { UserRecord } from "../../storage/storage.js";
import type { DirectoryChange, UserDirectory } from "../../users/user-directory.js";
import { compareEntries } from "./presence-query.js";

const byName = compareEntries("name");
const compare = (a: UserRecord, b: UserRecord) =>
  byName({ record: a, view: null }, { record: b, view: null });

/**
 * The name sort's order (name, then id: a total order), made once per platform by sorting and
 * then changed in place: a registration, rename or erasure moves one record (a binary search
 * and one splice), instead of sorting 100,000 names again for the next page asked for.
 */
export class NameOrder {
  private readonly platforms = new Map<string, UserRecord[]>();

  constructor(private readonly directory: UserDirectory) {
    directory.onChange((change) => this.follow(change));
  }

  of(platform: string): readonly UserRecord[] {
    let records = this.platforms.get(platform);
    if (!records) {
      records = [...this.directory.list(platform)].sort(compare);
      this.platforms.set(platform, records);
    }
    return records;
  }

  private follow(change: DirectoryChange): void {
    if (change === null) {
      this.platforms.clear();
      return;
    }
    const records = this.platforms.get(change.platform);
    if (!records) return;
    if (change.previous) {
      const at = lowerBound(records, change.previous);
      if (records[at] === change.previous) records.splice(at, 1);
      else {
        // Not where its name says (cannot happen while records are never mutated): sort again.
        this.platforms.delete(change.platform);
        return;
      }
    }
    if (change.next) records.splice(lowerBound(records, change.next), 0, change.next);
  }
}

/** The first index whose record is not before `record`. */
function lowerBound(records: readonly UserRecord[], record: UserRecord): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(records[middle] as UserRecord, record) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
