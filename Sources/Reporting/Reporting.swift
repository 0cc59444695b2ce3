// The Reporting module. See ARCHITECTURE.md.
