using LeakWatch.Core.Matching;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Matching;

/// <summary>The shortcuts taken before any keyed hash: a code ruled out by its shape, a name set answer remembered.</summary>
public sealed class CheapTokenTests
{
    [Theory]
    [InlineData("61ZK29")]
    [InlineData("LW6BGS5G")]
    [InlineData("A0DPE")]
    [InlineData("OAN4")]
    [InlineData("2QD1TGK")]
    public void IsCode_BarcodesAndAccessionNumbers_True(string value) => Assert.True(TokenClassifier.IsCode(value));

    [Theory]
    [InlineData("12MAR1965")] // a date without separators: a month name between digits
    [InlineData("1MARS65")]
    [InlineData("19650312")] // a compact date: digits only
    [InlineData("120365")]
    [InlineData("19650312T1200")] // six digits or more: left to the full reading
    [InlineData("MARTIN")] // a name: no digit
    [InlineData("DUPONT 12")] // a space: prose
    [InlineData("A-12")] // a separator
    [InlineData("jean@x.fr")]
    [InlineData("")]
    public void IsCode_WhatMayIdentify_False(string value) => Assert.False(TokenClassifier.IsCode(value));

    [Theory]
    [InlineData("MARTIN2")] // a name with a digit is no name to the normalizer either
    [InlineData("2A")]
    public void IsCode_LettersBesideADigit_TrueAndNothingReadable(string value)
    {
        Assert.True(TokenClassifier.IsCode(value));
        AssertNothingReadable(value);
    }

    /// <summary>
    /// The rule's promise, checked on a million random tokens made to look like dates, NIRs and names: a token taken
    /// for a code is never a date, a NIR, a phone, an email or a name to the normalizers the full reading uses.
    /// </summary>
    [Fact]
    public void IsCode_RandomTokens_NeverSkipsWhatTheFullReadingWouldFind()
    {
        var random = new Random(12);
        string[] pieces = ["MAR", "MARS", "JAN", "DEC", "SEPT", "AOUT", "MAI", "ER", "T", "Z", "LUNDI", "12", "1965", "65", "03", "2A", "0", "7"];
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";
        var codes = 0;
        Span<char> buffer = stackalloc char[24];
        for (var n = 0; n < 1_000_000; n++)
        {
            var length = 0;
            var parts = random.Next(1, 5);
            for (var p = 0; p < parts; p++)
            {
                var piece = random.Next(3) == 0 ? pieces[random.Next(pieces.Length)] : new string(alphabet[random.Next(alphabet.Length)], 1);
                if (length + piece.Length > buffer.Length) break;
                piece.CopyTo(buffer[length..]);
                length += piece.Length;
            }
            var token = buffer[..length];
            if (!TokenClassifier.IsCode(token)) continue;
            codes++;
            AssertNothingReadable(token);
        }
        Assert.True(codes > 100_000, "the generator must produce codes: " + codes);
    }

    /// <summary>
    /// The one-pass shape (a class table, letter runs found by bit tricks, month names tried only after their first
    /// three letters) says what the plain two-pass reading said, on random tokens long and short, ASCII or not.
    /// </summary>
    [Fact]
    public void Shape_RandomTokens_SameAsThePlainReading()
    {
        var random = new Random(21);
        string[] pieces = ["MAR", "mars", "JANV", "Fev", "DECEMBRE", "SEPTEMBRES", "AOUT", "MAI", "JUILLET", "AUGUST", "OCTOBRE", "Z", "É", "-", " ", "12", "1965", "0", "7", "2A", "ABCDEFGHIJK"];
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";
        int codes = 0, words = 0;
        for (var n = 0; n < 300_000; n++)
        {
            var parts = random.Next(1, n % 10 == 0 ? 40 : 6);
            var token = string.Concat(Enumerable.Range(0, parts).Select(_ =>
                random.Next(3) == 0 ? pieces[random.Next(pieces.Length)] : alphabet[random.Next(alphabet.Length)].ToString()));
            var expected = PlainIsCode(token) ? TokenShape.Code
                : token.Length > 0 && token.All(char.IsAsciiLetter) ? TokenShape.Letters
                : TokenShape.Other;
            Assert.True(expected == TokenClassifier.Shape(token), token);
            if (expected == TokenShape.Code) codes++;
            if (expected == TokenShape.Letters) words++;
        }
        Assert.True(codes > 10_000 && words > 10_000, $"the generator must produce both: {codes} codes, {words} words");
    }

    /// <summary>The edges of the bit-mask path (64 characters) and of the long-token path, each against the plain reading.</summary>
    [Theory]
    [InlineData(true, 1, "Q", 63, 65)] // one digit, then a run of 64 letters (no month)
    [InlineData(false, 61, "MAR1", 0, 65)] // "MAR" at index 61: the long path finds it
    [InlineData(false, 61, "MAR", 0, 64)] // "MAR" in the mask's last three bits
    [InlineData(true, 62, "MA", 0, 64)] // a run of two letters at the end is no month
    [InlineData(false, 0, "MAR1", 0, 4)] // a run at index 0
    [InlineData(true, 0, "SEPTEMBREXX1", 0, 12)] // eleven letters: longer than any month name
    [InlineData(false, 0, "SEPTEMBRE1", 0, 10)]
    public void Shape_EdgeTokens_AsThePlainReading(bool code, int fillerBefore, string middle, int fillerAfter, int length)
    {
        // Filler: letters that start no month, one digit between them and the middle so runs do not join.
        var token = (fillerBefore > 0 ? new string('Q', fillerBefore - 1) + "1" : "") + middle + new string('Q', fillerAfter);

        Assert.Equal(length, token.Length);
        Assert.Equal(code ? TokenShape.Code : TokenShape.Other, TokenClassifier.Shape(token));
        Assert.Equal(code, PlainIsCode(token));
    }

    /// <summary>The rule as first written: count the classes, then read every run of three to ten letters.</summary>
    private static bool PlainIsCode(ReadOnlySpan<char> value)
    {
        int digits = 0, letters = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (char.IsAsciiLetter(c)) letters++;
            else return false;
        }
        if (digits is 0 or >= 6 || letters == 0) return false;
        for (var i = 0; i < value.Length;)
        {
            if (!char.IsAsciiLetter(value[i]))
            {
                i++;
                continue;
            }
            var end = i + 1;
            while (end < value.Length && char.IsAsciiLetter(value[end])) end++;
            if (end - i is >= 3 and <= 10 && MonthNames.Read(value, i, out _) != 0) return false;
            i = end;
        }
        return true;
    }

    private static void AssertNothingReadable(ReadOnlySpan<char> token)
    {
        Span<int> dates = stackalloc int[4];
        Assert.Equal(0, BirthDateNormalizer.Normalize(token, dates));
        Assert.Null(NirNormalizer.Body(token));
        Assert.Null(PhoneNormalizer.ToE164(token));
        Assert.Null(EmailNormalizer.Normalize(token));
        Assert.Null(NameNormalizer.Compact(token));
    }

    /// <summary>Prose skips the NIR, phone and date searches when it has no ASCII digit: none of them finds anything there.</summary>
    [Fact]
    public void ProseWithoutDigits_NirPhoneAndDateSearches_FindNothing()
    {
        var random = new Random(5);
        string[] pieces = ["le ", "12 ", "mars ", "douze ", "+", "+33 ", "６", "٣", "一", "née ", "lundi ", "1er", "/", "-", ".", "２A", "NIR ", "tél ", "DUPONT "];
        var nirs = new List<NirHit>();
        var phones = new List<PhoneHit>();
        var dates = new List<DateHit>();
        for (var n = 0; n < 100_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (text.AsSpan().ContainsAnyInRange('0', '9')) continue;
            NirNormalizer.FindAll(text, nirs);
            PhoneNormalizer.FindAll(text, phones);
            BirthDateNormalizer.FindAll(text, dates);
            Assert.Empty(nirs);
            Assert.Empty(phones);
            Assert.Empty(dates);
        }
    }

    /// <summary>The one-fold word compaction gives what civility check then compaction gave, on random words.</summary>
    [Fact]
    public void CompactWordInto_RandomWords_SameAsIsCivilityThenCompact()
    {
        var random = new Random(3);
        string[] pieces = ["M.", "MME", "Mme", "Dr", "DR.", "MLLE", "Pr", "M", "LE", "GALL", "D'", "ALMEIDA", "-", "'", "’", ".", "é", "Œ", "ß", "Ø", "ç", "2", "@", " ", "JEAN", "pierre", "ÉLODIE", "\u02BC", "\u02BB", "BALA", "\u00AD"];
        Span<char> buffer = stackalloc char[128];
        for (var n = 0; n < 200_000; n++)
        {
            var word = string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => pieces[random.Next(pieces.Length)]));
            var expected = NameNormalizer.IsCivility(word) ? null : NameNormalizer.Compact(word);
            var length = NameNormalizer.CompactWordInto(word, buffer);
            Assert.Equal(expected, length < 0 ? null : new string(buffer[..length]));
        }
    }

    /// <summary>"MʼBALA" with the modifier apostrophe: a letter to .NET, a separator to the fold, so the civility goes.</summary>
    [Fact]
    public void CompactWordInto_ModifierApostropheAfterACivility_StripsTheCivilityAsCompactDoes()
    {
        Span<char> buffer = stackalloc char[32];
        var length = NameNormalizer.CompactWordInto("M\u02BCBALA", buffer);

        Assert.Equal(NameNormalizer.Compact("M\u02BCBALA"), new string(buffer[..length]));
        Assert.Equal("BALA", new string(buffer[..length]));
    }

    [Fact]
    public void CompactWords_CivilitiesAndNonNames_LeftOutOthersCompacted()
    {
        var words = new CompactWords();
        words.Clear(40);
        foreach (var word in new[] { "Mme", "Le-Gall", "42", "Élodie" }) words.Add(word);

        Assert.Equal(2, words.Count);
        Assert.Equal("LEGALL", words[0].ToString());
        Assert.Equal("ELODIE", words[1].ToString());
    }

    [Fact]
    public void NameSetMemo_SetThenGet_ReturnsTheRolesOfThatWordOnly()
    {
        var memo = new NameSetMemo();
        memo.Set("MARTIN", string.GetHashCode("MARTIN"), NameRoles.Last | NameRoles.First);

        Assert.True(memo.TryGet("MARTIN", string.GetHashCode("MARTIN"), out var roles));
        Assert.Equal(NameRoles.Last | NameRoles.First, roles);
        Assert.False(memo.TryGet("MARTINE", string.GetHashCode("MARTINE"), out _));
    }

    [Fact]
    public void NameSetMemo_SameSlotOtherWord_IsNotTakenForIt()
    {
        var memo = new NameSetMemo();
        // Same hash, so same slot and same stored hash: only the text compare tells them apart.
        memo.Set("GLYCEMIE", 42, NameRoles.None);

        Assert.False(memo.TryGet("BERNARD", 42, out _));
        Assert.True(memo.TryGet("GLYCEMIE", 42, out var roles));
        Assert.Equal(NameRoles.None, roles);
    }

    [Fact]
    public void NameSetMemo_NewWordInTheSlot_EvictsTheOld()
    {
        var memo = new NameSetMemo();
        memo.Set("BERNARD", 7, NameRoles.First);
        memo.Set("DURAND", 7, NameRoles.Last);

        Assert.False(memo.TryGet("BERNARD", 7, out _));
        Assert.True(memo.TryGet("DURAND", 7, out var roles));
        Assert.Equal(NameRoles.Last, roles);
    }

    [Fact]
    public void NameSetMemo_WordLongerThanASlot_IsNeverStored()
    {
        var memo = new NameSetMemo();
        var longWord = new string('A', NameSetMemo.MaxLength + 1);
        memo.Set(longWord, 3, NameRoles.Last);

        Assert.False(memo.TryGet(longWord, 3, out _));
    }
}
