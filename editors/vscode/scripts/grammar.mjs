// Writes syntaxes/polic.tmLanguage.json, the TextMate grammar, from the readable
// definitions below. `node scripts/grammar.mjs --check` fails if the JSON is out of date.
//
// The token rules are those of compiler/syntax/src/lexer.rs; the keyword lists are those of
// the lexer (reserved words) and compiler/ide/src/highlight.rs (contextual keywords).
// TextMate scans a line left to right and takes the earliest match (the first pattern on a
// tie), so every identifier is matched whole, from its first character: a keyword inside
// `tls-in-transit` never gets a chance, and a reference `iso27001#A.8.24` is one token.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const out = fileURLToPath(new URL("../syntaxes/polic.tmLanguage.json", import.meta.url));

/// An identifier: letters, digits, `_`, single inner dashes (the lexer's `Ident`).
const ID = "[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*";
/// What may follow `#` in a clause id or reference (the lexer's `ClauseId`).
const CLAUSE = "#[A-Za-z0-9][A-Za-z0-9_.()\\-]*";
/// Not inside an identifier, before and after a word.
const BEFORE = "(?<![A-Za-z0-9_]|[A-Za-z0-9_]-)";
const AFTER = "(?![A-Za-z0-9_#]|-[A-Za-z0-9_])";
const word = (alternatives) => `${BEFORE}(?:${alternatives.join("|")})${AFTER}`;

/// Words the lexer reserves, by what they do.
const ITEMS = [
  "standard", "group", "clause", "profile", "policy", "risk", "facts", "archetype",
  "control", "obligation", "map", "app", "waiver", "test",
];
const LOGICAL = ["and", "or", "not", "in"];
const BOOLEANS = ["true", "false"];
/// Words that are keywords only where the grammar expects them (highlight.rs).
const CONTEXTUAL = [
  "satisfies", "applies-to", "when", "phase", "due", "remediation", "include", "exclude",
  "reason", "adopt", "lint", "levels", "default", "weight", "provides", "extends", "version",
  "text", "level", "param", "withdrawn", "into", "verify", "rules", "owner", "unit", "for",
  "on", "requested-by", "approved-by", "expires", "given", "expect", "required",
];
const TYPES = ["set", "of", "bool", "int", "string"];

/// Scope of the name that follows each item keyword.
const NAMES = {
  standard: "entity.name.namespace.standard.polic",
  group: "entity.name.namespace.group.polic",
  profile: "entity.name.type.profile.polic",
  policy: "entity.name.type.policy.polic",
  risk: "entity.name.type.risk.polic",
  archetype: "entity.name.type.class.archetype.polic",
  control: "entity.name.function.control.polic",
  obligation: "entity.name.function.obligation.polic",
  app: "entity.name.type.struct.app.polic",
  waiver: "entity.name.type.waiver.polic",
};
const ARCHETYPE = NAMES.archetype;
const CONTROL = NAMES.control;

const kw = (name) => `keyword.other.${name}.polic`;
const item = (name) => `storage.type.${name}.polic`;

const grammar = {
  $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
  name: "polic",
  scopeName: "source.polic",
  fileTypes: ["polic"],
  patterns: [
    { include: "#comments" },
    { include: "#strings" },
    { include: "#clauses" },
    { include: "#literals" },
    { include: "#declarations" },
    { include: "#members" },
    { include: "#keywords" },
    { include: "#names" },
    { include: "#operators" },
    { include: "#punctuation" },
    { include: "#invalid" },
  ],
  repository: {
    comments: {
      patterns: [
        {
          // `////` is an ordinary comment, as in the lexer.
          name: "comment.line.documentation.polic",
          match: "(///)(?!/).*",
          captures: { 1: { name: "punctuation.definition.comment.documentation.polic" } },
        },
        {
          name: "comment.line.double-slash.polic",
          match: "(//).*",
          captures: { 1: { name: "punctuation.definition.comment.polic" } },
        },
        {
          name: "comment.block.polic",
          begin: "/\\*",
          end: "\\*/",
          beginCaptures: { 0: { name: "punctuation.definition.comment.begin.polic" } },
          endCaptures: { 0: { name: "punctuation.definition.comment.end.polic" } },
        },
      ],
    },
    strings: {
      patterns: [
        {
          name: "string.quoted.double.polic",
          begin: '"',
          // A string ends at its quote or the end of the line. An unterminated one that
          // ends in a block's `{` (a title that lost its quote) stops before it, as in the
          // lexer, so the block still opens.
          end: '(")|(?=\\s*\\{\\s*(?://[^"]*)?$)|$',
          beginCaptures: { 0: { name: "punctuation.definition.string.begin.polic" } },
          endCaptures: { 1: { name: "punctuation.definition.string.end.polic" } },
          patterns: [
            { name: "constant.character.escape.polic", match: '\\\\["\\\\nt]' },
            { name: "invalid.illegal.escape.polic", match: "\\\\." },
          ],
        },
      ],
    },
    clauses: {
      patterns: [
        {
          // One token, as the lexer's `ClauseRef` and the server's semantic token. Inside
          // `variable.other.constant`, which VS Code's Dark+ and Light+ colour where they
          // colour no `constant.other`.
          name: "variable.other.constant.polic constant.other.clause-reference.polic",
          match: `${ID}${CLAUSE}`,
        },
        { name: "variable.other.constant.polic constant.other.clause-id.polic", match: CLAUSE },
      ],
    },
    literals: {
      patterns: [
        { name: "constant.numeric.date.polic", match: "[0-9]{4}-[0-9]{2}-[0-9]{2}" },
        { name: "constant.numeric.duration.polic", match: "[0-9]+[dw](?![A-Za-z0-9_])" },
        {
          // The lexer reads `[0-9]+` then a word as one duration token; only d and w are
          // units.
          name: "constant.numeric.duration.polic invalid.illegal.unit.polic",
          match: "[0-9]+[A-Za-z_][A-Za-z0-9_]*",
        },
        { name: "constant.numeric.integer.polic", match: "[0-9]+" },
      ],
    },
    declarations: {
      patterns: [
        {
          // `import std.nist80053` or `import "path"`.
          match: `${BEFORE}(import)${AFTER}(?:\\s+(${ID})(?:(\\.)(${ID}))?)?`,
          captures: {
            1: { name: "keyword.other.import.polic" },
            2: { name: "entity.name.namespace.polic" },
            3: { name: "punctuation.accessor.polic" },
            4: { name: "entity.name.namespace.module.polic" },
          },
        },
        {
          // `given app NAME` and `given app { ... }`.
          match: `${BEFORE}(given)\\s+(app)${AFTER}(?:\\s+(${ID})${AFTER})?`,
          captures: {
            1: { name: kw("member") },
            2: { name: item("app") },
            3: { name: NAMES.app },
          },
        },
        // An item keyword and the name after it, as in `control tls-in-transit` or, in a
        // member, `archetype k8s-web-service` and `risk acme-risk`.
        ...Object.entries(NAMES).map(([keyword, scope]) => ({
          match: `${BEFORE}(${keyword})\\s+(${ID})${AFTER}`,
          captures: { 1: { name: item(keyword) }, 2: { name: scope } },
        })),
      ],
    },
    members: {
      patterns: [
        {
          match: `${BEFORE}(phase)\\s+(${ID})${AFTER}`,
          captures: { 1: { name: kw("member") }, 2: { name: "constant.language.phase.polic" } },
        },
        {
          match: `${BEFORE}(verify)\\s+(${ID})${AFTER}`,
          captures: {
            1: { name: kw("member") },
            2: { name: "constant.language.verification.polic" },
          },
        },
        {
          match: `${BEFORE}(lint)\\s+(${ID})${AFTER}(?:\\s*(=)(?!=)\\s*(${ID})${AFTER})?`,
          captures: {
            1: { name: kw("member") },
            2: { name: "constant.language.lint.polic" },
            3: { name: "keyword.operator.assignment.polic" },
            4: { name: "constant.language.lint-level.polic" },
          },
        },
        {
          match: `${BEFORE}(expect)(?:\\s+(not))?\\s+(required)${AFTER}(?:\\s+(${ID})${AFTER})?`,
          captures: {
            1: { name: kw("member") },
            2: { name: "keyword.other.logical.polic" },
            3: { name: kw("member") },
            4: { name: CONTROL },
          },
        },
        {
          // In a waiver's header: `for APP on CONTROL` or `on CONTROL.OBLIGATION`.
          match: `${BEFORE}(for)\\s+(${ID})\\s+(on)\\s+(${ID})(?:(\\.)(${ID}))?${AFTER}`,
          captures: {
            1: { name: kw("member") },
            2: { name: NAMES.app },
            3: { name: kw("member") },
            4: { name: CONTROL },
            5: { name: "punctuation.accessor.polic" },
            6: { name: NAMES.obligation },
          },
        },
        list("applies-to", ARCHETYPE),
        list("extends", ARCHETYPE),
        list("provides", CONTROL),
      ],
    },
    keywords: {
      patterns: [
        ...ITEMS.map((keyword) => ({ name: item(keyword), match: word([keyword]) })),
        { name: "keyword.other.logical.polic", match: word(LOGICAL) },
        { name: "constant.language.boolean.polic", match: word(BOOLEANS) },
        { name: "storage.type.primitive.polic", match: word(TYPES) },
        { name: kw("member"), match: word(CONTEXTUAL) },
      ],
    },
    names: {
      patterns: [
        {
          // A fact's declaration: `exposure: internal | internet`.
          match: `(${ID})${AFTER}(?=\\s*:)`,
          captures: { 1: { name: "variable.other.property.fact.polic" } },
        },
        {
          // A member that sets a value: `data = {pii}`, `low = 1` (not `| internet = x`).
          match: `(?:^|(?<=[{;,]))\\s*(${ID})${AFTER}(?=\\s*=(?!=))`,
          captures: { 1: { name: "variable.other.property.polic" } },
        },
        { name: "variable.other.polic", match: ID },
      ],
    },
    operators: {
      patterns: [
        { name: "keyword.operator.comparison.polic", match: "==|!=|<=|>=|<|>" },
        { name: "keyword.operator.assignment.polic", match: "=" },
        { name: "keyword.operator.alternation.polic", match: "\\|" },
      ],
    },
    punctuation: {
      patterns: [
        { name: "punctuation.section.block.begin.polic", match: "\\{" },
        { name: "punctuation.section.block.end.polic", match: "\\}" },
        { name: "punctuation.section.parens.begin.polic", match: "\\(" },
        { name: "punctuation.section.parens.end.polic", match: "\\)" },
        { name: "punctuation.separator.comma.polic", match: "," },
        { name: "punctuation.terminator.member.polic", match: ";" },
        { name: "punctuation.separator.key-value.polic", match: ":" },
        { name: "punctuation.accessor.polic", match: "\\." },
      ],
    },
    invalid: {
      // What starts no token in the lexer (a lone `-`, `!`, `#`, `@`, ...).
      patterns: [{ name: "invalid.illegal.character.polic", match: "\\S" }],
    },
  },
};

/// `applies-to a, b when ...`, `extends a, b`, `provides a, b`: a list of names of one kind,
/// which may go on to the next line after a comma; it ends at `when`, a block, a separator
/// or the end of a line that does not end in a comma.
function list(keyword, scope) {
  return {
    begin: `${BEFORE}(${keyword})${AFTER}`,
    beginCaptures: { 1: { name: kw("member") } },
    end: `(?=${word(["when"])}|[{};"]|//|/\\*)|(?<![,\\s])(?=\\s*$)`,
    patterns: [
      { include: "#comments" },
      { include: "#clauses" },
      { name: scope, match: ID },
      { include: "#punctuation" },
      { include: "#invalid" },
    ],
  };
}

const text = JSON.stringify(grammar, null, 2) + "\n";
if (process.argv.includes("--check")) {
  if (readFileSync(out, "utf8") !== text) {
    console.error("syntaxes/polic.tmLanguage.json is out of date: run node scripts/grammar.mjs");
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
}
