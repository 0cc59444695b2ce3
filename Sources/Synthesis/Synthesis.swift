// The Synthesis module. See ARCHITECTURE.md.
