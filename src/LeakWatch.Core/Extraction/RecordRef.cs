namespace LeakWatch.Core.Extraction;

/// <param name="Offset">Character offset of the record in the decoded document.</param>
/// <param name="Line">1-based line of the record in the decoded document.</param>
internal readonly record struct RecordRef(int FirstField, int FieldCount, long Offset, long Line, RecordShape Shape);
