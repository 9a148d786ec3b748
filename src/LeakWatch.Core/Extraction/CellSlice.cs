namespace LeakWatch.Core.Extraction;

/// <summary>A cell of a row passed to <see cref="RecordBatch.AddFields"/>: a slice of the row's text.</summary>
internal readonly record struct CellSlice(int Start, int Length);
