// Worked examples of the search rule (search-text.ts), the table every search is tested against.

/** Users to search among: id, name and email. */
export const SEARCH_EXAMPLE_USERS: ReadonlyArray<{ id: string; name: string; email: string }> = [
  { id: "nunez", name: "José Ñúñez", email: "jose@lima.example" },
  { id: "angstrom", name: "Anders Ångström", email: "anders@uppsala.example" },
  { id: "selin", name: "Selin İstanbullu", email: "selin@bosphorus.example" },
  { id: "kerem", name: "Kerem Işık", email: "kerem@ankara.example" },
  { id: "lena", name: "Lena Straße", email: "lena@berlin.example" },
  { id: "wang", name: "王小明", email: "xiaoming@beijing.example" },
  { id: "odysseus", name: "Οδυσσεύς Λαερτιάδης", email: "odysseus@ithaca.example" },
  { id: "hans", name: "Hans Ørsted", email: "HANS@Copenhagen.example" },
  { id: "yuki", name: "Yuki Tanaka", email: "yuki@osaka.example" },
  { id: "kana", name: "カナ", email: "kana@tokyo.example" },
];

/** A query and the ids it finds among SEARCH_EXAMPLE_USERS, in id order. */
export const SEARCH_EXAMPLES: ReadonlyArray<{ q: string; finds: readonly string[] }> = [
  { q: "nunez", finds: ["nunez"] },
  { q: "ÑÚÑEZ", finds: ["nunez"] },
  { q: "jose ñu", finds: ["nunez"] },
  { q: "angstrom", finds: ["angstrom"] },
  { q: "ÅNGSTRÖM", finds: ["angstrom"] },
  { q: "istanbul", finds: ["selin"] },
  { q: "İSTANBUL", finds: ["selin"] },
  { q: "ISIK", finds: ["kerem"] },
  { q: "ışık", finds: ["kerem"] },
  { q: "strasse", finds: ["lena"] },
  { q: "STRASSE", finds: ["lena"] },
  { q: "straße", finds: ["lena"] },
  { q: "王小明", finds: ["wang"] },
  { q: "小明", finds: ["wang"] },
  { q: "ΟΔΥΣΣΕΥΣ", finds: ["odysseus"] },
  { q: "οδυσσευς", finds: ["odysseus"] },
  { q: "ΟΔΥΣ", finds: ["odysseus"] },
  { q: "orsted", finds: ["hans"] },
  { q: "hans@copenhagen", finds: ["hans"] },
  // Full-width letters are their plain letters.
  { q: "ｔａｎａｋａ", finds: ["yuki"] },
  { q: "カナ", finds: ["kana"] },
  // Kana voicing is not an accent: ガ is another sound.
  { q: "ガナ", finds: [] },
  { q: "%", finds: [] },
  { q: "S@", finds: ["angstrom", "hans", "odysseus"] },
];
