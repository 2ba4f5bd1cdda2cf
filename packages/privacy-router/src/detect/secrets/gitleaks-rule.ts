/** An allowlist of a gitleaks rule: a candidate matching any regex or containing any stopword is dropped. */
export interface GitleaksAllowlist {
  /** What the regexes are tested against: the secret (default), the whole match, or the line. */
  regexTarget: 'secret' | 'match' | 'line';
  /** RE2 patterns. */
  regexes: readonly string[];
  /** Lower-cased words; a secret containing one is not reported. */
  stopwords: readonly string[];
}

/** One secret-detection rule converted from gitleaks' TOML. */
export interface GitleaksRule {
  /** gitleaks' rule id, reported as the SECRET finding's subtype. */
  id: string;
  description: string;
  /** RE2 pattern (may use inline flags such as `(?i)`). */
  regex: string;
  /** The capture group holding the secret; 0 means the first non-empty group, else the whole match. */
  secretGroup: number;
  /** Minimum Shannon entropy (bits per character) of the secret; 0 disables the check. */
  entropy: number;
  /** Lower-cased keywords; the rule runs only on texts containing one of them (none: always runs). */
  keywords: readonly string[];
  allowlists: readonly GitleaksAllowlist[];
}
