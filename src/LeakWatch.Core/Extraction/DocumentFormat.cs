namespace LeakWatch.Core.Extraction;

/// <summary>How a document was read. Binary means it was not read at all.</summary>
public enum DocumentFormat : byte
{
    Binary = 0,
    Delimited,
    Sql,
    Json,
    JsonLines,
    Hl7,
    Hprim,
    Html,
    Xml,
    FreeText,
}
