using System.Globalization;
using System.Text;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.UnicodeTests;

/// <summary>
/// Regenerates <see cref="LatinFolding"/>'s tables from Unicode's NFKD decompositions (ICU's, in this process) and
/// compares them, code point by code point: a typo in the hand-written table, or a letter folded against Unicode's own
/// decomposition, fails here.
/// </summary>
public sealed class LatinFoldingTableTests
{
    /// <summary>
    /// The letters NFKD leaves alone (ligatures, letters with a stroke, a hook or a bar, and a few others), as the table
    /// folds them; one case stands for both. Anything else that NFKD does not turn into ASCII letters is not a letter.
    /// </summary>
    private static readonly Dictionary<char, string> BeyondNfkd = new()
    {
        ['Æ'] = "AE", ['Œ'] = "OE", ['ß'] = "SS", ['ẞ'] = "SS", ['Þ'] = "TH",
        ['Ð'] = "D", ['Đ'] = "D", ['Ø'] = "O", ['Ł'] = "L", ['Ħ'] = "H", ['ı'] = "I", ['ĸ'] = "K", ['Ŋ'] = "N", ['Ŧ'] = "T",
        // L·L in Catalan names, and a with a half ring: NFKD keeps the dot or the ring beside the letter.
        ['Ŀ'] = "L", ['ẚ'] = "A",
        ['ƀ'] = "B", ['Ɓ'] = "B", ['Ƃ'] = "B", ['Ƈ'] = "C", ['Ɗ'] = "D", ['Ƌ'] = "D", ['Ƒ'] = "F", ['Ɠ'] = "G", ['Ɨ'] = "I",
        ['Ƙ'] = "K", ['ƚ'] = "L", ['Ɲ'] = "N", ['ƞ'] = "N", ['Ɵ'] = "O", ['Ƥ'] = "P", ['ƫ'] = "T", ['Ƭ'] = "T", ['Ʈ'] = "T",
        ['Ʋ'] = "V", ['Ƴ'] = "Y", ['Ƶ'] = "Z", ['Ǥ'] = "G", ['Ƞ'] = "N", ['ȡ'] = "D", ['Ȥ'] = "Z", ['ȴ'] = "L", ['ȵ'] = "N",
        ['ȶ'] = "T", ['ȷ'] = "J", ['Ⱥ'] = "A", ['Ȼ'] = "C", ['Ƚ'] = "L", ['Ⱦ'] = "T", ['ȿ'] = "S", ['ɀ'] = "Z", ['Ƀ'] = "B",
        ['Ɇ'] = "E", ['Ɉ'] = "J", ['ɋ'] = "Q", ['Ɍ'] = "R", ['Ɏ'] = "Y", ['ẜ'] = "S", ['ẝ'] = "S", ['Ỿ'] = "Y",
    };

    [Theory]
    [InlineData(0x00C0, 0x0250)] // Latin-1 Supplement letters, Latin Extended-A and -B: the first table
    [InlineData(0x1E00, 0x1F00)] // Latin Extended Additional: the second table
    [InlineData(0xFB00, 0xFB07)] // Latin ligatures
    [InlineData(0xFF21, 0xFF5B)] // full-width Latin letters
    public void Fold_EveryCodePoint_IsWhatNfkdGives(int first, int end)
    {
        Assert.Equal(2, "É".Normalize(NormalizationForm.FormKD).Length); // ICU is loaded: NFKD decomposes
        var wrong = new List<string>();
        for (var code = first; code < end; code++)
        {
            var c = (char)code;
            var expected = Expected(c);
            var actual = LatinFolding.Fold(c, out var a, out var b) == CharKind.Letter ? string.Concat(a, b == '\0' ? "" : b.ToString()) : null;
            if (actual != expected) wrong.Add($"U+{code:X4} {c}: table {actual ?? "not a letter"}, NFKD {expected ?? "not a letter"}");
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public void BeyondNfkd_EveryEntry_IsALetterNfkdCannotFold()
    {
        // An entry must never override what Unicode decomposes: it only fills in what NFKD leaves.
        foreach (var (c, letters) in BeyondNfkd)
        {
            Assert.Null(AsciiLetters(Decomposed(c, beyondNfkd: false)));
            Assert.Matches("^[A-Z]{1,2}$", letters);
        }
    }

    /// <summary>
    /// The fold Unicode gives: NFKD, combining marks dropped, the letters beyond NFKD mapped; a letter when that leaves
    /// one or two ASCII letters (the fold writes at most two), upper-cased.
    /// </summary>
    private static string? Expected(char c) => AsciiLetters(Decomposed(c, beyondNfkd: true)) is { Length: <= 2 } letters ? letters : null;

    private static string Decomposed(char c, bool beyondNfkd)
    {
        if (beyondNfkd && Beyond(c) is { } own) return own;
        var text = new StringBuilder();
        foreach (var d in c.ToString().Normalize(NormalizationForm.FormKD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(d) == UnicodeCategory.NonSpacingMark) continue;
            text.Append(beyondNfkd && Beyond(d) is { } letters ? letters : d.ToString());
        }
        return text.ToString();
    }

    private static string? Beyond(char c) =>
        BeyondNfkd.TryGetValue(c, out var letters) || BeyondNfkd.TryGetValue(char.ToUpperInvariant(c), out letters) ||
        BeyondNfkd.TryGetValue(char.ToLowerInvariant(c), out letters)
            ? letters
            : null;

    private static string? AsciiLetters(string text) =>
        text.Length > 0 && text.All(char.IsAsciiLetter) ? text.ToUpperInvariant() : null;
}
