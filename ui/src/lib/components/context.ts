/** Context key: a getter for the language of the criteria set being shown (its fallback). */
export const SOURCE_LANGUAGE = Symbol("source-language");
