/** One term's text in one language. */
export interface DefinitionText {
  name: string;
  definition: string;
  /** What a careful reader should know beyond the definition. */
  notes?: string;
}

/** A metric or dimension of the catalogue, zh-CN first, English under the switch. */
export interface Definition {
  /** The formula in catalogue ids, the same in both languages. */
  formula?: string;
  zh: DefinitionText;
  en: DefinitionText;
}
