namespace LeakWatch.Core.Extraction;

/// <summary>The format picked for a document, with the delimiter when it is delimited text.</summary>
internal sealed record FormatGuess(DocumentFormat Format, DelimitedDialect? Dialect = null);

/// <summary>
/// Picks the format from the head of the decoded text, the name's extension breaking ties. Content first: leaked
/// files are renamed (.txt dumps that are SQL, .csv files that are JSON lines), and a forum serves everything as HTML.
/// </summary>
internal static class FormatDetector
{
    /// <summary>How much decoded text the detection looks at.</summary>
    public const int HeadChars = 64 * 1024;

    private static readonly string[] CompressionSuffixes = [".gz", ".gzip", ".bz2", ".xz", ".zst", ".tgz"];

    public static FormatGuess Detect(ReadOnlySpan<char> head, string? name, bool headIsComplete)
    {
        var extension = Extension(name);
        var text = head.TrimStart(" \t\r\n\uFEFF\u000B");
        if (text.IsEmpty) return new FormatGuess(DocumentFormat.FreeText);

        if (IsHl7(text)) return new FormatGuess(DocumentFormat.Hl7);
        if (IsHprim(text)) return new FormatGuess(DocumentFormat.Hprim);
        if (text[0] is '{' or '[') return new FormatGuess(IsJsonLines(text) ? DocumentFormat.JsonLines : DocumentFormat.Json);
        if (text[0] == '<') return new FormatGuess(IsXml(text) ? DocumentFormat.Xml : DocumentFormat.Html);
        if (IsSql(text)) return new FormatGuess(DocumentFormat.Sql);

        switch (extension)
        {
            case ".json" or ".fhir":
                return new FormatGuess(DocumentFormat.Json);
            case ".jsonl" or ".ndjson":
                return new FormatGuess(DocumentFormat.JsonLines);
            case ".sql":
                return new FormatGuess(DocumentFormat.Sql);
            case ".html" or ".htm":
                return new FormatGuess(DocumentFormat.Html);
        }

        var dialect = DelimitedDialect.Sniff(head, headIsComplete);
        if (dialect is not null) return new FormatGuess(DocumentFormat.Delimited, dialect);
        return new FormatGuess(DocumentFormat.FreeText);
    }

    /// <summary>The extension of the last segment of a name, compression suffixes dropped: "a.zip!dump.csv.gz" gives ".csv".</summary>
    internal static string Extension(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "";
        var last = name.AsSpan(name.LastIndexOfAny(['!', '/', '\\']) + 1);
        foreach (var suffix in CompressionSuffixes)
        {
            if (!last.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            if (suffix == ".tgz") return ".tar";
            last = last[..^suffix.Length];
            break;
        }

        var dot = last.LastIndexOf('.');
        return dot < 0 ? "" : last[dot..].ToString().ToLowerInvariant();
    }

    /// <summary>A message header (MSH, or batch headers) first, or PID segments among the first lines.</summary>
    private static bool IsHl7(ReadOnlySpan<char> text)
    {
        if (text.StartsWith("MSH") || text.StartsWith("FHS") || text.StartsWith("BHS"))
        {
            // MSH|^~\&| : the field separator, four (five since 2.7) encoding characters, the separator again.
            if (text.Length < 9 || char.IsAsciiLetterOrDigit(text[3])) return false;
            var next = text[4..].IndexOf(text[3]);
            return next is 4 or 5;
        }

        return LooksLikeSegment(text) && HasLineStarting(text, "PID|");
    }

    /// <summary>HPRIM Santé starts with an H record declaring its delimiters, e.g. <c>H|~^\&amp;|</c>, and holds P records.</summary>
    private static bool IsHprim(ReadOnlySpan<char> text)
    {
        if (text.Length < 7 || text[0] != 'H' || text[1] != '|') return false;
        var end = text[2..].IndexOf('|');
        return end is 3 or 4 && HasLineStarting(text, "P|");
    }

    /// <summary>Three upper-case letters or digits and a field separator: the shape of a segment.</summary>
    private static bool LooksLikeSegment(ReadOnlySpan<char> text) =>
        text.Length > 4 && char.IsAsciiLetterUpper(text[0]) && char.IsAsciiLetterUpper(text[1]) && char.IsAsciiLetterOrDigit(text[2]) && text[3] == '|';

    private static bool IsJsonLines(ReadOnlySpan<char> text)
    {
        var newline = text.IndexOf('\n');
        if (newline < 0) return false;
        var first = text[..newline].Trim();
        var next = text[(newline + 1)..].TrimStart();
        return first.Length > 1 && first[0] == '{' && first[^1] == '}' && !next.IsEmpty && next[0] == '{';
    }

    private static bool IsXml(ReadOnlySpan<char> text)
    {
        if (!text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase)) return false;
        var sample = text[..Math.Min(text.Length, 4096)];
        return !sample.Contains("<html", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSql(ReadOnlySpan<char> text) =>
        HasLineStarting(text, "INSERT INTO", ignoreCase: true)
        || HasLineStarting(text, "INSERT IGNORE INTO", ignoreCase: true)
        || HasLineStarting(text, "REPLACE INTO", ignoreCase: true)
        || HasLineStarting(text, "CREATE TABLE", ignoreCase: true)
        || (HasLineStarting(text, "COPY ", ignoreCase: true) && text.Contains("FROM stdin", StringComparison.OrdinalIgnoreCase));

    private static bool HasLineStarting(ReadOnlySpan<char> text, string prefix, bool ignoreCase = false)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var rest = text;
        while (true)
        {
            var line = rest.TrimStart(" \t\u000B");
            if (line.StartsWith(prefix, comparison)) return true;
            var i = rest.IndexOfAny('\r', '\n');
            if (i < 0) return false;
            rest = rest[(i + 1)..];
        }
    }
}
