/// Something that reads a stream of byte blocks after they are handed to it — possibly
/// later, on another thread — such as a SHA-256 of a file computed beside the stage
/// that reads or writes it.
///
/// A block is *lent*, not copied: its bytes must stay valid and unchanged until
/// ``waitUntilRead(through:)`` with its ticket (or a later one) has returned. The CSV
/// reader and writer keep that rule: they wait before they move, overwrite or free
/// memory they have lent.
package protocol ByteObserver {
    /// Take `bytes` (read in the order lent). Returns the block's ticket; tickets increase,
    /// and 0 means the block has been read already (an observer that reads at once).
    func lend(_ bytes: UnsafeRawBufferPointer) -> UInt64
    /// Return once every block up to and including `ticket` has been read.
    func waitUntilRead(through ticket: UInt64)
}
