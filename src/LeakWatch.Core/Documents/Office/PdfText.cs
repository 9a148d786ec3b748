using System.IO.Compression;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace LeakWatch.Core.Documents.Office;

/// <summary>
/// A PDF's text layer, page by page, each line of words as a line of text (a table's row is a line). Pages that are
/// images without text (a scan) cannot be read: the document is reported as read in part ("no text layer"), never
/// as clean. Every stream PdfPig decodes goes through <see cref="BoundedFilters"/>: a decompression bomb is refused
/// before it is expanded, and a page count that lies is not trusted.
/// </summary>
internal sealed class PdfText : TextLeafStream
{
    /// <summary>Pages in a row that cannot be read before the rest is given up (a /Count that claims a million pages).</summary>
    private const int MaxFailedPagesInRow = 16;
    private readonly PdfDocument _document;
    private readonly BoundedFilters _filters;
    private readonly UnpackSession _session;
    private readonly int _pageCount;
    private int _page;
    private int _imageOnly;
    private int _failed;
    private int _failedInRow;
    private bool _gaveUp;

    private PdfText(UnpackSession session, string name, PdfDocument document, BoundedFilters filters)
        : base(session, name)
    {
        _session = session;
        _document = document;
        _filters = filters;
        _pageCount = document.NumberOfPages;
    }

    /// <summary>Opens the PDF; null (and recorded as skipped) when it cannot be parsed or is encrypted.</summary>
    public static PdfText? Open(UnpackSession session, string name, ReadOnlyMemory<byte> pdf)
    {
        var filters = new BoundedFilters(session);
        try
        {
            var document = PdfDocument.Open(pdf, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true, FilterProvider = filters });
            return new PdfText(session, name, document, filters);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            session.Skip(name, filters.Refusal ?? (ex.GetType().Name.Contains("Password", StringComparison.Ordinal) || ex.GetType().Name.Contains("Encrypt", StringComparison.Ordinal)
                ? "encrypted PDF (no password): not read"
                : $"corrupt or unsupported PDF ({ex.GetType().Name})"));
            return null;
        }
    }

    protected override bool Produce(StringBuilder text)
    {
        while (!_gaveUp && _page < _pageCount)
        {
            _page++;
            Page page;
            try
            {
                page = _document.GetPage(_page);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && UnpackRefusedException.Find(ex) is null)
            {
                _failed++;
                if (++_failedInRow >= MaxFailedPagesInRow || _filters.Refusal is not null) _gaveUp = true;
                continue;
            }

            _failedInRow = 0;
            var words = page.GetWords().Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
            if (words.Count == 0)
            {
                if (page.NumberOfImages > 0) _imageOnly++;
                continue;
            }

            AppendLines(text, words);
            text.Append('\n');
            return true;
        }

        Report();
        return false;
    }

    /// <summary>
    /// Words on the same baseline (within half a word's height) make a line, read left to right. A table's row (words
    /// apart by column gaps) or a sentence is a window of its own; other lines (a form's labels) stay with the next.
    /// </summary>
    internal static void AppendLines(StringBuilder text, List<Word> words)
    {
        words.Sort((a, b) => b.BoundingBox.Bottom.CompareTo(a.BoundingBox.Bottom));
        var line = new List<Word>();
        double bottom = 0, height = 0;
        foreach (var word in words)
        {
            if (line.Count > 0 && Math.Abs(word.BoundingBox.Bottom - bottom) > Math.Max(1, height / 2))
            {
                Flush(text, line);
                line.Clear();
            }

            if (line.Count == 0)
            {
                bottom = word.BoundingBox.Bottom;
                height = Math.Abs(word.BoundingBox.Height);
            }

            line.Add(word);
        }

        Flush(text, line);

        static void Flush(StringBuilder text, List<Word> line)
        {
            if (line.Count == 0) return;
            line.Sort((a, b) => a.BoundingBox.Left.CompareTo(b.BoundingBox.Left));
            var gaps = 0;
            var start = text.Length;
            for (var i = 0; i < line.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(' ');
                    var gap = line[i].BoundingBox.Left - line[i - 1].BoundingBox.Right;
                    if (gap > Math.Abs(line[i].BoundingBox.Height)) gaps++;
                }

                foreach (var c in line[i].Text) text.Append(char.IsControl(c) ? ' ' : c);
            }

            text.Append('\n');
            if (gaps >= 2 || FlowDocument.StandsAlone(text.ToString(start, text.Length - start))) text.Append('\n');
        }
    }

    private void Report()
    {
        var read = _page - _failed - _imageOnly;
        if (_filters.Refusal is { } refusal)
            _session.Skip(Name, refusal, partial: read > 0);
        else if (_gaveUp)
            _session.Skip(Name, $"pages from {_page} on could not be read (the document claims {_pageCount})", partial: read > 0);
        else if (_failed > 0)
            _session.Skip(Name, $"{_failed} of {_pageCount} pages could not be read", partial: read > 0);
        if (_imageOnly > 0)
            _session.Skip(Name, $"no text layer: {_imageOnly} of {_pageCount} pages are images only (a scan?) and were not read", partial: read > 0);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _document.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// PdfPig's own filters behind limits. A Flate stream is first inflated into nothing, counted: past the per-stream
/// budget (<see cref="UnpackLimits.MaxBufferedArchiveBytes"/>, since PdfPig holds a decoded stream in memory), the total,
/// or the compression ratio once past the grace size, it is refused before PdfPig expands it. LZW and run-length
/// streams, whose worst expansion is known (about 3,800:1 and 64:1), are refused when that worst case would not fit.
/// </summary>
internal sealed class BoundedFilters : IFilterProvider
{
    private static readonly string[] Names =
    [
        "FlateDecode", "Fl", "LZWDecode", "LZW", "RunLengthDecode", "RL", "ASCIIHexDecode", "AHx", "ASCII85Decode", "A85",
        "DCTDecode", "DCT", "JPXDecode", "CCITTFaxDecode", "CCF", "JBIG2Decode",
    ];

    private readonly BaseFilterProvider _inner;

    public BoundedFilters(UnpackSession session)
    {
        Session = session;
        var filters = new Dictionary<string, IFilter>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            var inner = DefaultFilterProvider.Instance.GetNamedFilters([NameToken.Create(name)]);
            if (inner.Count == 1) filters[name] = new Bounded(this, name, inner[0]);
        }

        _inner = new Provider(filters);
    }

    public UnpackSession Session { get; }

    /// <summary>Why a stream was refused; null while none was.</summary>
    public string? Refusal { get; private set; }

    public IReadOnlyList<IFilter> GetFilters(DictionaryToken dictionary) => _inner.GetFilters(dictionary);

    public IReadOnlyList<IFilter> GetNamedFilters(IReadOnlyList<NameToken> names) => _inner.GetNamedFilters(names);

    public IReadOnlyList<IFilter> GetAllFilters() => _inner.GetAllFilters();

    private InvalidDataException Refuse(string reason)
    {
        Refusal ??= reason;
        return new InvalidDataException(reason);
    }

    private void Check(string name, long inputLength, Memory<byte> input)
    {
        var limits = Session.Limits;
        var budget = limits.MaxBufferedArchiveBytes;
        switch (name)
        {
            case "FlateDecode" or "Fl":
                var produced = Inflated(input.Span, budget, inputLength);
                Session.BytesDecompressed += produced;
                if (Session.BytesDecompressed > limits.MaxTotalBytes) throw Refuse($"the PDF's streams expand to more than {limits.MaxTotalBytes} bytes in total");
                break;
            case "LZWDecode" or "LZW" when inputLength * 3_900 > budget:
                throw Refuse($"an LZW stream of {inputLength} bytes could expand past {budget} bytes: not read");
            case "RunLengthDecode" or "RL" when inputLength * 64 > budget:
                throw Refuse($"a run-length stream of {inputLength} bytes could expand past {budget} bytes: not read");
        }
    }

    /// <summary>Inflates into nothing and counts, refusing past the budget or the ratio.</summary>
    private long Inflated(ReadOnlySpan<byte> data, long budget, long inputLength)
    {
        var limits = Session.Limits;
        // Zlib's two-byte header, when present (PdfPig skips it the same way).
        var skip = data.Length >= 2 && (data[0] & 0x0F) == 8 && ((data[0] << 8) | data[1]) % 31 == 0 ? 2 : 0;
        using var source = new MemoryStream(data[skip..].ToArray(), writable: false);
        using var inflater = new DeflateStream(source, CompressionMode.Decompress);
        var scratch = Session.Scratch;
        long produced = 0;
        try
        {
            int n;
            while ((n = inflater.Read(scratch)) > 0)
            {
                Session.CancellationToken.ThrowIfCancellationRequested();
                produced += n;
                if (produced > budget) throw Refuse($"a PDF stream expands to more than {budget} bytes: not read");
                if (produced > limits.RatioGraceBytes && produced > limits.MaxCompressionRatio * Math.Max(1, inputLength))
                    throw Refuse($"a PDF stream's compression ratio is above {limits.MaxCompressionRatio}:1 (a decompression bomb): not read");
            }
        }
        catch (InvalidDataException) when (Refusal is null)
        {
            // Corrupt data: PdfPig will get no more out of it than was counted.
        }

        return produced;
    }

    private sealed class Provider(IReadOnlyDictionary<string, IFilter> filters) : BaseFilterProvider(filters);

    private sealed class Bounded(BoundedFilters owner, string name, IFilter inner) : IFilter
    {
        public bool IsSupported => inner.IsSupported;

        public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
        {
            if (owner.Refusal is { } refused) throw new InvalidDataException(refused);
            owner.Check(name, input.Length, input);
            var output = inner.Decode(input, streamDictionary, filterProvider, filterIndex);
            if (output.Length > owner.Session.Limits.MaxBufferedArchiveBytes)
                throw owner.Refuse($"a PDF stream expands to more than {owner.Session.Limits.MaxBufferedArchiveBytes} bytes: not read");
            return output;
        }
    }
}
