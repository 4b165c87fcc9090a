-- Per-disease rules of the policy table (门慢门特 / 两病, issue 17; docs/SPLIT.md
-- "Chronic-disease visits"): the JSON array `diseaseRules` of policy-table/1, kept per applied
-- seq beside the schemes. NULL = the table has none (chronic visits split by their scheme alone).
-- A delta without diseaseRules keeps the previous seq's (as with schemes).
ALTER TABLE policy_tables ADD COLUMN disease_rules TEXT;
