// The Governance module. See ARCHITECTURE.md.
