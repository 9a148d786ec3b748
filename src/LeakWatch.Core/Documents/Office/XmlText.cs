using System.Text;
using System.Xml;

namespace LeakWatch.Core.Documents.Office;

/// <summary>Text nodes read in pieces: a hostile 1 GB cell must not become a 2 GB string.</summary>
internal static class XmlText
{
    /// <summary>Excel's own limit for one cell; longer text in a cell or paragraph is cut here.</summary>
    public const int MaxChars = 32_767;

    [ThreadStatic]
    private static char[]? _buffer;

    /// <summary>Appends the value of the text node the reader is on, up to <see cref="MaxChars"/> in all; the rest is skipped.</summary>
    public static void Append(XmlReader reader, StringBuilder text)
    {
        var buffer = _buffer ??= new char[4096];
        int n;
        while ((n = reader.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
        {
            var room = MaxChars - text.Length;
            if (room > 0) text.Append(buffer, 0, Math.Min(n, room));
        }
    }

    public static bool IsText(XmlReader reader) =>
        reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace;
}
