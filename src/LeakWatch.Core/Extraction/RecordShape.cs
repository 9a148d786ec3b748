namespace LeakWatch.Core.Extraction;

/// <summary>Fields: one value per field. FreeText: a window of prose, tokenized by the matcher.</summary>
internal enum RecordShape : byte
{
    Fields = 0,
    FreeText = 1,
}
