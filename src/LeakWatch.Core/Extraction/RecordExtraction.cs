using LeakWatch.Core.Documents;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// The way into extraction for one leaf document (a file, an archive entry, a page): decode, pick the format, write
/// candidate records. Positions are character offsets in the decoded text and 1-based lines.
/// </summary>
public static class RecordExtraction
{
    /// <summary>Extracts the candidate records of <paramref name="leaf"/>, which is read to its end and left open.</summary>
    /// <param name="name">The leaf's name (<c>archive!entry</c>); its extension helps when the content is ambiguous.</param>
    public static ExtractionSummary Extract(Stream leaf, string name, RecordWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(writer);
        using var decoded = TextDecoding.Open(leaf, leaveOpen: true);
        if (decoded.IsBinary) return new ExtractionSummary(DocumentFormat.Binary, decoded.EncodingName, 0, 0, "binary content");

        var context = new ExtractionContext(cancellationToken);
        var before = writer.RecordsWritten;
        var format = ExtractText(decoded, name, writer, context);
        return new ExtractionSummary(format, decoded.EncodingName, writer.RecordsWritten - before, decoded.CharsRead, context.Problem);
    }

    /// <summary>Detects the format of decoded text and runs its extractor; text embedded in a page comes here too.</summary>
    public static DocumentFormat ExtractText(TextReader text, string? name, RecordWriter writer, ExtractionContext context)
    {
        var head = new char[FormatDetector.HeadChars];
        var length = text.ReadBlock(head);
        var guess = FormatDetector.Detect(head.AsSpan(0, length), name, headIsComplete: length < head.Length);

        // Markup inside a page's code block is shown as text, and parsing it again would let pages nest without end.
        if (context.Depth > 0 && guess.Format is DocumentFormat.Html or DocumentFormat.Xml) guess = new FormatGuess(DocumentFormat.FreeText);

        IRecordExtractor extractor = guess.Format switch
        {
            DocumentFormat.Delimited => new DelimitedExtractor(guess.Dialect!),
            DocumentFormat.Sql => new SqlExtractor(),
            DocumentFormat.Json => new JsonExtractor(lines: false),
            DocumentFormat.JsonLines => new JsonExtractor(lines: true),
            DocumentFormat.Hl7 => new Hl7Extractor(),
            DocumentFormat.Hprim => new HprimExtractor(),
            DocumentFormat.Html => new HtmlExtractor(xml: false),
            DocumentFormat.Xml => new HtmlExtractor(xml: true),
            _ => new FreeTextExtractor(),
        };
        extractor.Extract(new HeadReplayReader(head, length, text), writer, context);
        return guess.Format;
    }
}
