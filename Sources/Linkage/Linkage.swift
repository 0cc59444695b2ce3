// The Linkage module. See ARCHITECTURE.md.
