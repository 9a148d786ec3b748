using System.Globalization;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// The separators of an HL7 v2 or HPRIM segment (field, component, repetition, escape, subcomponent), read from the
/// message header, and the escape sequences they imply (<c>\F\ \S\ \T\ \R\ \E\ \Xhh\</c>).
/// </summary>
internal readonly record struct SegmentDelimiters(char Field, char Component, char Repetition, char Escape, char Subcomponent)
{
    public static SegmentDelimiters Hl7Default { get; } = new('|', '^', '~', '\\', '&');

    /// <summary>HL7 declares them in MSH-2 in the order component, repetition, escape, subcomponent.</summary>
    public static SegmentDelimiters FromHl7Header(ReadOnlySpan<char> header)
    {
        if (header.Length < 5) return Hl7Default;
        var field = header[3];
        var encoding = header[4..];
        var end = encoding.IndexOf(field);
        if (end >= 0) encoding = encoding[..end];
        return new SegmentDelimiters(
            field,
            encoding.Length > 0 ? encoding[0] : '^',
            encoding.Length > 1 ? encoding[1] : '~',
            encoding.Length > 2 ? encoding[2] : '\\',
            encoding.Length > 3 ? encoding[3] : '&');
    }

    /// <summary>HPRIM declares them after <c>H|</c>; in practice the first is the component separator (<c>~^\&amp;</c>).</summary>
    public static SegmentDelimiters FromHprimHeader(ReadOnlySpan<char> header)
    {
        if (header.Length < 3) return new('|', '~', '^', '\\', '&');
        var field = header[1];
        var encoding = header[2..];
        var end = encoding.IndexOf(field);
        if (end >= 0) encoding = encoding[..end];
        return new SegmentDelimiters(
            field,
            encoding.Length > 0 ? encoding[0] : '~',
            encoding.Length > 1 ? encoding[1] : '^',
            encoding.Length > 2 ? encoding[2] : '\\',
            encoding.Length > 3 ? encoding[3] : '&');
    }

    /// <summary>The <paramref name="index"/>-th piece of <paramref name="text"/> cut at <paramref name="separator"/>, 0-based.</summary>
    public static ReadOnlySpan<char> Piece(ReadOnlySpan<char> text, char separator, int index)
    {
        for (var i = 0; i < index; i++)
        {
            var next = text.IndexOf(separator);
            if (next < 0) return default;
            text = text[(next + 1)..];
        }

        var end = text.IndexOf(separator);
        return end < 0 ? text : text[..end];
    }

    /// <summary>Decodes escape sequences into <paramref name="scratch"/>; returns the value itself when it has none.</summary>
    public ReadOnlySpan<char> Unescape(ReadOnlySpan<char> value, ref char[] scratch)
    {
        if (value.IndexOf(Escape) < 0) return value;
        if (scratch.Length < value.Length) scratch = new char[value.Length * 2];
        var w = 0;
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            var close = c == Escape ? value[(i + 1)..].IndexOf(Escape) : -1;
            if (close < 0)
            {
                scratch[w++] = c;
                i++;
                continue;
            }

            var code = value.Slice(i + 1, close);
            i += close + 2;
            if (code.Length == 1)
            {
                var decoded = code[0] switch
                {
                    'F' => Field,
                    'S' => Component,
                    'T' => Subcomponent,
                    'R' => Repetition,
                    'E' => Escape,
                    _ => '\0',
                };
                if (decoded != '\0') scratch[w++] = decoded;
            }
            else if (code.Length > 1 && code[0] == 'X')
            {
                // \Xhhhh\ : bytes in hex, read as Latin-1 (the common case: one accented letter).
                for (var h = 1; h + 1 < code.Length; h += 2)
                {
                    if (byte.TryParse(code.Slice(h, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b) && b != 0)
                        scratch[w++] = (char)b;
                }
            }
            else if (code.SequenceEqual(".br"))
            {
                scratch[w++] = ' ';
            }

            // Formatting codes (\H\, \N\, \.sp\...) carry no text.
        }

        return scratch.AsSpan(0, w);
    }
}
