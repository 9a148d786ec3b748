using System.Text;

namespace LeakWatch.Core.Normalization;

/// <summary>
/// Text as the lab's watched terms are looked for in it: Latin letters folded to upper-case ASCII by the names' own
/// table (É to E, Œ to OE), digits kept, every run of anything else one word boundary.
/// </summary>
public static class FoldedText
{
    /// <summary>
    /// Letters folded to upper-case ASCII (É -> E, Œ -> OE), digits kept, everything else a word boundary: one space
    /// between words, none at the ends.
    /// </summary>
    public static string Of(string text, int maxCharacters)
    {
        var length = Math.Min(text.Length, maxCharacters);
        var folded = new StringBuilder(length);
        var space = false;
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                Append(folded, ref space, c, '\0');
                continue;
            }
            switch (LatinFolding.Fold(c, out var first, out var second))
            {
                case CharKind.Letter:
                    Append(folded, ref space, first, second);
                    break;
                case CharKind.Ignorable:
                    break;
                default:
                    space = folded.Length > 0;
                    break;
            }
        }
        return folded.ToString();
    }

    private static void Append(StringBuilder folded, ref bool space, char first, char second)
    {
        if (space) folded.Append(' ');
        space = false;
        folded.Append(first);
        if (second != '\0') folded.Append(second);
    }
}
