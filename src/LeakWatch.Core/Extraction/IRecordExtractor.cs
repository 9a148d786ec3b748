namespace LeakWatch.Core.Extraction;

/// <summary>Turns decoded text of one format into candidate records. Bad input is skipped, never thrown.</summary>
internal interface IRecordExtractor
{
    void Extract(TextReader text, RecordWriter writer, ExtractionContext context);
}
