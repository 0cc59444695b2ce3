// The Disclosure module. See ARCHITECTURE.md.
