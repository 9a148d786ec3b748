namespace LeakWatch.Core.Extraction;

internal sealed class HtmlExtractor(bool xml) : IRecordExtractor
{
    public bool Xml => xml;

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context) => new FreeTextExtractor().Extract(text, writer, context);
}
