// The Extraction module. See ARCHITECTURE.md.
