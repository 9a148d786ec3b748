using System.Buffers;

namespace LeakWatch.Core.Extraction;

internal enum QuotedRow : byte
{
    /// <summary>A whole row was cut.</summary>
    Row,

    /// <summary>The row does not end within the text given, and more may come.</summary>
    NeedMore,

    /// <summary>A quote where a well-formed row has none (a stray quote in a name, text after a closing quote).</summary>
    Irregular,
}

/// <summary>
/// Cuts one row of a delimited text whose cells are quoted the regular way: a quote opens a cell, closes it right
/// before a delimiter or the end of the row, or doubles inside it. One search per cell; cells come back without
/// their quotes, so a row without doubled quotes is still copied into the batch in one go. Anything irregular is left
/// to the char-by-char parser.
/// </summary>
internal sealed class QuotedRowScanner(char delimiter, int maxQuotedChars)
{
    private readonly SearchValues<char> _stops = SearchValues.Create([delimiter, '"', '\r', '\n']);

    /// <param name="consumed">Chars of the row with its line break.</param>
    /// <param name="contentLength">Chars of the row without its line break.</param>
    /// <param name="doubledQuotes">A cell holds <c>""</c>: its slice still has them and needs unescaping.</param>
    /// <param name="quotedBreaks">A quoted cell holds line breaks.</param>
    public QuotedRow Cut(
        ReadOnlySpan<char> span, bool final, Span<CellSlice> cells, out int count, out int consumed, out int contentLength,
        out bool doubledQuotes, out bool quotedBreaks)
    {
        count = consumed = contentLength = 0;
        doubledQuotes = quotedBreaks = false;
        var cellStart = 0;
        var p = 0;
        while (true)
        {
            int end;
            if (p < span.Length && span[p] == '"' && p == cellStart)
            {
                // A quoted cell: find its closing quote, stepping over doubled ones.
                var q = p + 1;
                while (true)
                {
                    var next = span[q..].IndexOf('"');
                    if (next < 0) return final || span.Length - cellStart > maxQuotedChars ? QuotedRow.Irregular : QuotedRow.NeedMore;
                    q += next;
                    if (q + 1 == span.Length && !final) return QuotedRow.NeedMore;
                    if (q + 1 < span.Length && span[q + 1] == '"')
                    {
                        doubledQuotes = true;
                        q += 2;
                        continue;
                    }

                    break;
                }

                if (span.Slice(p + 1, q - p - 1).IndexOfAny('\r', '\n') >= 0) quotedBreaks = true;
                end = q + 1;
                if (end < span.Length && span[end] != delimiter && span[end] is not ('\r' or '\n')) return QuotedRow.Irregular;
                if (count == cells.Length) return QuotedRow.Irregular;
                cells[count++] = new CellSlice(p + 1, q - p - 1);
            }
            else
            {
                var k = span[p..].IndexOfAny(_stops);
                if (k >= 0 && span[p + k] == '"') return QuotedRow.Irregular;
                end = k < 0 ? span.Length : p + k;
                if (k < 0 && !final) return QuotedRow.NeedMore;
                if (count == cells.Length) return QuotedRow.Irregular;
                cells[count++] = new CellSlice(cellStart, end - cellStart);
            }

            if (end == span.Length)
            {
                if (!final) return QuotedRow.NeedMore;
                consumed = contentLength = end;
                return QuotedRow.Row;
            }

            if (span[end] == delimiter)
            {
                cellStart = p = end + 1;
                continue;
            }

            // A line break ends the row; CR LF is one break, and a CR at the very end may yet be followed by LF.
            contentLength = end;
            if (span[end] == '\r')
            {
                if (end + 1 == span.Length && !final) return QuotedRow.NeedMore;
                consumed = end + (end + 1 < span.Length && span[end + 1] == '\n' ? 2 : 1);
            }
            else
            {
                consumed = end + 1;
            }

            return QuotedRow.Row;
        }
    }
}
