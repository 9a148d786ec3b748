using System.Text;
using LeakWatch.Core.Extraction;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Extraction;

/// <summary>A record as a test reads it: its position, shape and fields copied out of the batch.</summary>
internal sealed record Extracted(long Offset, long Line, RecordShape Shape, IReadOnlyList<(string Value, FieldHint Hint)> Fields)
{
    public IEnumerable<string> Values => Fields.Select(f => f.Value);

    public string Text => string.Join("|", Values);

    public string? ValueOf(FieldHint hint) => Fields.Where(f => f.Hint == hint).Select(f => f.Value).FirstOrDefault();

    public IEnumerable<string> ValuesOf(FieldHint hint) => Fields.Where(f => f.Hint == hint).Select(f => f.Value);
}

/// <summary>A real <see cref="RecordWriter"/> whose batches are copied out as they are handed over.</summary>
internal sealed class RecordCollector
{
    private readonly List<Extracted> _records = [];

    public RecordCollector()
    {
        Writer = new RecordWriter(() => new RecordBatch(), Collect);
    }

    public RecordWriter Writer { get; }

    public IReadOnlyList<Extracted> Records
    {
        get
        {
            Writer.Flush();
            return _records;
        }
    }

    private void Collect(RecordBatch batch)
    {
        for (var r = 0; r < batch.Count; r++)
        {
            var record = batch[r];
            var fields = new List<(string, FieldHint)>();
            for (var f = 0; f < record.FieldCount; f++)
            {
                var field = batch.Field(record.FirstField + f);
                fields.Add((batch.Text(field).ToString(), field.Hint));
            }

            _records.Add(new Extracted(record.Offset, record.Line, record.Shape, fields));
        }

        batch.Clear();
    }
}

internal static class ExtractionHarness
{
    public static (ExtractionSummary Summary, IReadOnlyList<Extracted> Records) Extract(string text, string name = "document.txt") =>
        Extract(Encoding.UTF8.GetBytes(text), name);

    public static (ExtractionSummary Summary, IReadOnlyList<Extracted> Records) Extract(byte[] bytes, string name = "document.txt")
    {
        var collector = new RecordCollector();
        var summary = RecordExtraction.Extract(new MemoryStream(bytes), name, collector.Writer, CancellationToken.None);
        return (summary, collector.Records);
    }

    /// <summary>Runs one extractor directly on text, bypassing detection.</summary>
    public static (IReadOnlyList<Extracted> Records, string? Problem) Run(IRecordExtractor extractor, string text)
    {
        var collector = new RecordCollector();
        var context = new ExtractionContext(CancellationToken.None);
        extractor.Extract(new StringReader(text), collector.Writer, context);
        return (collector.Records, context.Problem);
    }
}
