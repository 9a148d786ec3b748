using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Normalization;

public sealed class NirNormalizerTests
{
    // python-stdnum stdnum/fr/nir.py docstring vectors, then hand-computed keys (97 - n mod 97) for INSEE-shaped numbers.
    [Theory]
    [InlineData("2 95 10 99 126 111 93", "2951099126111")]
    [InlineData("295109912611193", "2951099126111")]
    [InlineData("253072B07300470", "253072B073004")]
    [InlineData("253072A07300443", "253072A073004")]
    [InlineData("253072b07300470", "253072B073004")]
    [InlineData("2 53 07 2A 073 004 43", "253072A073004")]
    [InlineData("1 65 03 75 112 123 35", "1650375112123")]
    [InlineData("1.65.03.75.112.123-35", "1650375112123")]
    [InlineData("1-65-03-75-112-123-35", "1650375112123")]
    [InlineData("165037511212335", "1650375112123")]
    [InlineData("  165037511212335  ", "1650375112123")]
    [InlineData("1\u00A065\u00A003\u00A075\u00A0112\u00A0123\u00A035", "1650375112123")]
    [InlineData("2 69 02 99 341 732 85", "2690299341732")]
    [InlineData("1 80 01 20 123 456 90", "1800120123456")]
    [InlineData("3 65 03 75 112 123 32", "3650375112123")]
    [InlineData("7 65 03 75 112 123 26", "7650375112123")]
    [InlineData("8 65 03 75 112 123 73", "8650375112123")]
    [InlineData("1 65 35 99 112 123 93", "1653599112123")]
    [InlineData("1 65 20 75 112 123 16", "1652075112123")]
    [InlineData("1 65 50 75 112 123 11", "1655075112123")]
    [InlineData("1 65 03 97 411 123 74", "1650397411123")]
    public void Body_ValidFifteenCharacters_GivesBody(string raw, string body) =>
        Assert.Equal(body, NirNormalizer.Body(raw));

    [Theory]
    [InlineData("2951099126111", "2951099126111")]
    [InlineData("1 65 03 75 112 123", "1650375112123")]
    [InlineData("253072B073004", "253072B073004")]
    [InlineData("2.53.07.2a.073.004", "253072A073004")]
    public void Body_ThirteenCharacterBody_IsAccepted(string raw, string body) =>
        Assert.Equal(body, NirNormalizer.Body(raw));

    [Theory]
    [InlineData("295109912611199")] // python-stdnum: invalid check digit
    [InlineData("253072C07300443")] // python-stdnum: invalid format
    [InlineData("6546546546546703")] // python-stdnum: invalid length
    [InlineData("253072A07300470")] // 2B's key on 2A
    [InlineData("253072B07300443")] // 2A's key on 2B
    [InlineData("1 65 03 75 112 123 36")]
    [InlineData("165037511212334")]
    [InlineData("165037511212300")]
    [InlineData("5 65 03 75 112 123 35")] // sex digit 5
    [InlineData("1651375112123")] // month 13
    [InlineData("1650075112123")] // month 00
    [InlineData("1654575112123")] // month 45
    [InlineData("1650300112123")] // department 00
    [InlineData("1650375112000")] // order 000
    [InlineData("1111111111111")]
    [InlineData("111111111111111")]
    [InlineData("1650375A12123")] // letter outside the department
    [InlineData("165037511212")]
    [InlineData("16503751121233")]
    [InlineData("1650375112123355")]
    [InlineData("0612345678")]
    [InlineData("12/03/1965")]
    [InlineData("")]
    [InlineData("1 65 03 75 112 123 35 x")]
    public void Body_NotANir_GivesNull(string raw) => Assert.Null(NirNormalizer.Body(raw));

    [Theory]
    [InlineData("2951099126111", 93, true)]
    [InlineData("2951099126111", 99, false)]
    [InlineData("253072B073004", 70, true)]
    [InlineData("253072A073004", 43, true)]
    [InlineData("253072a073004", 43, true)]
    [InlineData("253072A073004", 70, false)]
    [InlineData("1650375112123", 35, true)]
    [InlineData("165037511212", 35, false)]
    [InlineData("153072A073004", 43, false)] // "1A" is no department
    public void HasValidKey_Body_ChecksTheKey(string body, int key, bool expected) =>
        Assert.Equal(expected, NirNormalizer.HasValidKey(body, key));

    [Fact]
    public void HasValidKey_EveryKeyOfABody_OnlyOneIsValid()
    {
        var valid = Enumerable.Range(0, 100).Where(k => NirNormalizer.HasValidKey("1650375112123", k)).ToArray();
        Assert.Equal([35], valid);
    }

    [Theory]
    [InlineData("NIR : 1 65 03 75 112 123 35, né le", "1 65 03 75 112 123 35", "1650375112123")]
    [InlineData("secu=165037511212335;", "165037511212335", "1650375112123")]
    [InlineData("n° 1.65.03.75.112.123-35.", "1.65.03.75.112.123-35", "1650375112123")]
    [InlineData("INS 2 53 07 2B 073 004 70 ok", "2 53 07 2B 073 004 70", "253072B073004")]
    [InlineData("PID|||1650375112123^^^INS-NIR", "1650375112123", "1650375112123")]
    public void FindAll_NirInText_IsFound(string text, string expectedText, string body)
    {
        var hits = new List<NirHit>();
        NirNormalizer.FindAll(text, hits);
        var hit = Assert.Single(hits);
        Assert.Equal(expectedText, text.Substring(hit.Start, hit.Length));
        Assert.Equal(body, hit.Body);
    }

    [Theory]
    [InlineData("NIR 1 65 03 75 112 123 36")] // wrong key
    [InlineData("tel 06 12 34 56 78")]
    [InlineData("n 1650375112123355")]
    [InlineData("x1650375112123")]
    [InlineData("1111111111111")]
    [InlineData("ref 9.165037511212335")]
    public void FindAll_NotANir_FindsNothing(string text)
    {
        var hits = new List<NirHit>();
        NirNormalizer.FindAll(text, hits);
        Assert.Empty(hits);
    }

    [Fact]
    public void FindAll_TwoNirs_FindsBoth()
    {
        var hits = new List<NirHit>();
        NirNormalizer.FindAll("1650375112123 35 ; 2951099126111 93", hits);
        Assert.Equal(["1650375112123", "2951099126111"], hits.Select(h => h.Body));
    }

    [Fact]
    public void NirHit_ToString_HidesTheBody() =>
        Assert.DoesNotContain("165", new NirHit(0, 15, "1650375112123").ToString(), StringComparison.Ordinal);
}
