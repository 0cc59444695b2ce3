// The Pseudonymisation module. See ARCHITECTURE.md.
