using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Normalization;

public sealed class BirthDateNormalizerTests
{
    [Theory]
    [InlineData("12/03/1965", 19650312)]
    [InlineData("12-03-1965", 19650312)]
    [InlineData("12.03.1965", 19650312)]
    [InlineData("12/3/1965", 19650312)]
    [InlineData("2/3/1965", 19650302)]
    [InlineData("12 03 1965", 19650312)]
    [InlineData("1965-03-12", 19650312)]
    [InlineData("1965/03/12", 19650312)]
    [InlineData("1965.3.12", 19650312)]
    [InlineData("19650312", 19650312)]
    [InlineData("12031965", 19650312)]
    [InlineData("196503121200", 19650312)]
    [InlineData("19650312120000", 19650312)]
    [InlineData("1965031212", 19650312)]
    [InlineData("1965-03-12T00:00:00", 19650312)]
    [InlineData("1965-03-12T00:00:00Z", 19650312)]
    [InlineData("1965-03-12T00:00:00.000+01:00", 19650312)]
    [InlineData("1965-03-12 00:00:00", 19650312)]
    [InlineData("1965-03-12 00:00", 19650312)]
    [InlineData("12/03/1965 00:00", 19650312)]
    [InlineData("12 mars 1965", 19650312)]
    [InlineData("12 MARS 1965", 19650312)]
    [InlineData("12 Mars 1965", 19650312)]
    [InlineData("12 mar. 1965", 19650312)]
    [InlineData("12-mar-1965", 19650312)]
    [InlineData("12-MAR-1965", 19650312)]
    [InlineData("1er mars 1965", 19650301)]
    [InlineData("1 mars 1965", 19650301)]
    [InlineData("3 janvier 1960", 19600103)]
    [InlineData("3 janv. 1960", 19600103)]
    [InlineData("14 février 1971", 19710214)]
    [InlineData("14 fevrier 1971", 19710214)]
    [InlineData("14 FÉVRIER 1971", 19710214)]
    [InlineData("14 févr. 1971", 19710214)]
    [InlineData("14 fevr 1971", 19710214)]
    [InlineData("5 avril 1980", 19800405)]
    [InlineData("5 avr. 1980", 19800405)]
    [InlineData("5 mai 1980", 19800505)]
    [InlineData("5 juin 1980", 19800605)]
    [InlineData("5 juillet 1980", 19800705)]
    [InlineData("5 juil. 1980", 19800705)]
    [InlineData("15 août 1980", 19800815)]
    [InlineData("15 aout 1980", 19800815)]
    [InlineData("15 AOÛT 1980", 19800815)]
    [InlineData("5 septembre 1980", 19800905)]
    [InlineData("5 sept. 1980", 19800905)]
    [InlineData("5 octobre 1980", 19801005)]
    [InlineData("5 oct. 1980", 19801005)]
    [InlineData("5 novembre 1980", 19801105)]
    [InlineData("5 nov. 1980", 19801105)]
    [InlineData("25 décembre 1980", 19801225)]
    [InlineData("25 decembre 1980", 19801225)]
    [InlineData("25 déc. 1980", 19801225)]
    [InlineData("lundi 12 mars 1965", 19650312)]
    [InlineData("12 March 1965", 19650312)]
    [InlineData("March 12, 1965", 19650312)]
    [InlineData("Mar 12 1965", 19650312)]
    [InlineData("January 1st, 1960", 19600101)]
    [InlineData("12 Jan 1960", 19600112)]
    [InlineData("  12/03/1965  ", 19650312)]
    [InlineData("00/00/1965", 19650000)]
    [InlineData("00/03/1965", 19650300)]
    [InlineData("1965-00-00", 19650000)]
    [InlineData("19650000", 19650000)]
    [InlineData("31/02/1965", 19650231)]
    [InlineData("01/01/1850", 18500101)]
    [InlineData("31/12/2100", 21001231)]
    public void Normalize_WholeFieldDate_GivesOneCandidate(string raw, int expected)
    {
        Span<int> candidates = stackalloc int[2];
        Assert.Equal(1, BirthDateNormalizer.Normalize(raw, candidates));
        Assert.Equal(expected, candidates[0]);
    }

    [Theory]
    [InlineData("12/03/65", 19650312, 20650312)]
    [InlineData("12-03-65", 19650312, 20650312)]
    [InlineData("12.03.05", 19050312, 20050312)]
    [InlineData("12 mars 65", 19650312, 20650312)]
    [InlineData("12-MAR-65", 19650312, 20650312)]
    [InlineData("120365", 19650312, 20650312)]
    [InlineData("01/01/00", 19000101, 20000101)]
    public void Normalize_TwoDigitYear_GivesBothCenturies(string raw, int first, int second)
    {
        Span<int> candidates = stackalloc int[2];
        Assert.Equal(2, BirthDateNormalizer.Normalize(raw, candidates));
        Assert.Equal(first, candidates[0]);
        Assert.Equal(second, candidates[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("DUPONT")]
    [InlineData("né le 12/03/1965")]
    [InlineData("12/13/1965")]
    [InlineData("32/03/1965")]
    [InlineData("12/03/1849")]
    [InlineData("12/03/2101")]
    [InlineData("1965-13-01")]
    [InlineData("1965-03-32")]
    [InlineData("12/03-1965")]
    [InlineData("12/03/196")]
    [InlineData("12/03/19650")]
    [InlineData("0612345678")]
    [InlineData("165037511212345")]
    [InlineData("75001")]
    [InlineData("12345678")]
    [InlineData("12 marsupial 1965")]
    [InlineData("mars 1965")]
    [InlineData("12/03/1965 foo")]
    [InlineData("196503129900")]
    [InlineData("06 12 34 56 78")]
    [InlineData("12 03/1965")]
    [InlineData("1 65 03 75 112 123 35")]
    public void Normalize_NotAWholeDate_GivesZero(string raw)
    {
        Span<int> candidates = stackalloc int[2];
        Assert.Equal(0, BirthDateNormalizer.Normalize(raw, candidates));
    }

    [Fact]
    public void Normalize_DestinationTooSmall_Throws() =>
        Assert.Throws<ArgumentException>(() => BirthDateNormalizer.Normalize("12/03/1965", new int[1]));

    [Theory]
    [InlineData("née le 3 janvier 1960 à Lyon", "3 janvier 1960", 19600103, 0)]
    [InlineData("DDN: 12/03/1965", "12/03/1965", 19650312, 0)]
    [InlineData("DDN:12/03/1965.", "12/03/1965", 19650312, 0)]
    [InlineData("né(e) le 1er mars 1965, domicilié", "1er mars 1965", 19650301, 0)]
    [InlineData("born March 12, 1965 in Paris", "March 12, 1965", 19650312, 0)]
    [InlineData("patient 19650312 vu", "19650312", 19650312, 0)]
    [InlineData("le 12/03/65 au soir", "12/03/65", 19650312, 20650312)]
    [InlineData("date=1965-03-12T00:00:00", "1965-03-12", 19650312, 0)]
    [InlineData("VALUES ('DUPONT','12-MAR-65')", "12-MAR-65", 19650312, 20650312)]
    public void FindAll_DateInText_IsFound(string text, string expectedText, int value, int alt)
    {
        var hits = new List<DateHit>();
        BirthDateNormalizer.FindAll(text, hits);
        var hit = Assert.Single(hits);
        Assert.Equal(expectedText, text.Substring(hit.Start, hit.Length));
        Assert.Equal(value, hit.Value);
        Assert.Equal(alt, hit.AltValue);
    }

    [Theory]
    [InlineData("tel 06.12.34.56.78")]
    [InlineData("NIR 1.65.03.75.112.123-45")]
    [InlineData("ip 10.12.19.65")]
    [InlineData("ref 123456789")]
    [InlineData("rien ici")]
    [InlineData("le 12 et le 13 mars")]
    [InlineData("le 12 mars, 14 patients")]
    [InlineData("vu le 3 mai 12 fois")]
    public void FindAll_NumbersThatAreNotDates_FindNothing(string text)
    {
        var hits = new List<DateHit>();
        BirthDateNormalizer.FindAll(text, hits);
        Assert.Empty(hits);
    }

    [Fact]
    public void FindAll_SeveralDates_FindsEach()
    {
        var hits = new List<DateHit>();
        BirthDateNormalizer.FindAll("DUPONT;12/03/1965;prélevé le 2024-01-05;MARTIN;3 mai 1950", hits);
        Assert.Equal([19650312, 20240105, 19500503], hits.Select(h => h.Value));
    }

    [Theory]
    [InlineData(19650312, "19650312")]
    [InlineData(19650000, "19650000")]
    [InlineData(18500101, "18500101")]
    public void Format_Value_WritesEightDigits(int value, string expected)
    {
        Span<char> buffer = stackalloc char[8];
        Assert.Equal(8, BirthDateNormalizer.Format(value, buffer));
        Assert.Equal(expected, new string(buffer));
    }

    [Fact]
    public void DateHit_ToString_HidesTheDate()
    {
        var text = new DateHit(3, 10, 19650312, 0).ToString();
        Assert.DoesNotContain("1965", text, StringComparison.Ordinal);
    }

    /// <summary>Passing over a word's letters after its first finds what trying a month name at every letter found.</summary>
    [Fact]
    public void FindAll_RandomProse_SameAsTryingEveryLetter()
    {
        var random = new Random(4);
        string[] pieces = ["née le ", "3 ", "janvier ", "JANV. ", "mars", "1965", "12/03/1965 ", "le ", "amarsa ", "é", "Décembre ", "-", "1er ", "lundi ", "févr ", "sept.", "2021", " ", "/", "Mme ", "MAIS ", "0"];
        var expected = new List<DateHit>();
        var actual = new List<DateHit>();
        var found = 0;
        for (var n = 0; n < 50_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 14)).Select(_ => pieces[random.Next(pieces.Length)]));
            expected.Clear();
            actual.Clear();
            FindAllTryingEveryLetter(text, expected);
            BirthDateNormalizer.FindAll(text, actual);
            Assert.Equal(expected, actual);
            found += actual.Count;
        }
        Assert.True(found > 5_000, "the generator must write dates: " + found);
    }

    /// <summary>FindAll as first written: a month name tried at every letter that starts a word.</summary>
    private static void FindAllTryingEveryLetter(ReadOnlySpan<char> text, List<DateHit> hits)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (DateParser.IsAsciiDigit(c))
            {
                if (DateParser.StartsToken(text, i) && DateParser.TryParse(text, i, wholeField: false, out var end, out var value, out var alt)
                    && DateParser.EndsToken(text, DateParser.SkipTime(text, end)))
                {
                    hits.Add(new DateHit(i, end - i, value, alt));
                    i = end - 1;
                    continue;
                }
                while (i + 1 < text.Length && DateParser.IsAsciiDigit(text[i + 1])) i++;
            }
            else if (MonthNames.CanStart(c) && (i == 0 || !char.IsLetterOrDigit(text[i - 1])))
            {
                if (DateParser.TryParse(text, i, wholeField: false, out var end, out var value, out var alt) && DateParser.EndsToken(text, end))
                {
                    hits.Add(new DateHit(i, end - i, value, alt));
                    i = end - 1;
                }
            }
        }
    }
}
