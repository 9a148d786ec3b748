namespace LeakWatch.Core.Extraction;

internal sealed class JsonExtractor : IRecordExtractor
{
    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context) => new FreeTextExtractor().Extract(text, writer, context);
}
