using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Normalization;

public sealed class EmailNormalizerTests
{
    [Theory]
    [InlineData("marie.dupont@example.fr", "marie.dupont@example.fr")]
    [InlineData("  Marie.Dupont@Example.FR  ", "marie.dupont@example.fr")]
    [InlineData("MARIE.DUPONT@EXAMPLE.FR", "marie.dupont@example.fr")]
    [InlineData("mailto:marie.dupont@example.fr", "marie.dupont@example.fr")]
    [InlineData("MAILTO: marie.dupont@example.fr", "marie.dupont@example.fr")]
    [InlineData("<marie.dupont@example.fr>", "marie.dupont@example.fr")]
    [InlineData("marie+labo@sub.example.co.uk", "marie+labo@sub.example.co.uk")]
    [InlineData("m_dupont-65@mail-pro.example.com", "m_dupont-65@mail-pro.example.com")]
    [InlineData("o'neil@example.ie", "o'neil@example.ie")]
    public void Normalize_Address_IsTrimmedAndLowerCased(string raw, string expected) =>
        Assert.Equal(expected, EmailNormalizer.Normalize(raw));

    [Theory]
    [InlineData("")]
    [InlineData("marie.dupont")]
    [InlineData("marie.dupont@")]
    [InlineData("@example.fr")]
    [InlineData("marie@dupont@example.fr")]
    [InlineData("marie@example")]
    [InlineData("marie@.example.fr")]
    [InlineData("marie@example.fr.")]
    [InlineData("marie@example..fr")]
    [InlineData("marie@-example.fr")]
    [InlineData("marie@example.f")]
    [InlineData("marie@example.123")]
    [InlineData(".marie@example.fr")]
    [InlineData("marie.@example.fr")]
    [InlineData("ma..rie@example.fr")]
    [InlineData("marie dupont@example.fr")]
    [InlineData("marie@exa mple.fr")]
    [InlineData("DUPONT")]
    [InlineData("06 12 34 56 78")]
    public void Normalize_NotAnAddress_GivesNull(string raw) => Assert.Null(EmailNormalizer.Normalize(raw));

    [Theory]
    [InlineData("contact : Marie.Dupont@Example.fr.", "Marie.Dupont@Example.fr", "marie.dupont@example.fr")]
    [InlineData("<a href=\"mailto:jean@example.org\">écrire</a>", "jean@example.org", "jean@example.org")]
    [InlineData("DUPONT;MARIE;marie.dupont@example.fr;0612345678", "marie.dupont@example.fr", "marie.dupont@example.fr")]
    [InlineData("(jean.martin@example.com)", "jean.martin@example.com", "jean.martin@example.com")]
    public void FindAll_AddressInText_IsFound(string text, string expectedText, string email)
    {
        var hits = new List<EmailHit>();
        EmailNormalizer.FindAll(text, hits);
        var hit = Assert.Single(hits);
        Assert.Equal(expectedText, text.Substring(hit.Start, hit.Length));
        Assert.Equal(email, hit.Email);
    }

    [Theory]
    [InlineData("rendez-vous @ 10h")]
    [InlineData("user@localhost")]
    [InlineData("@@@")]
    [InlineData("nothing here")]
    public void FindAll_NoAddress_FindsNothing(string text)
    {
        var hits = new List<EmailHit>();
        EmailNormalizer.FindAll(text, hits);
        Assert.Empty(hits);
    }

    [Fact]
    public void FindAll_SeveralAddresses_FindsEach()
    {
        var hits = new List<EmailHit>();
        EmailNormalizer.FindAll("a@example.fr, B@Example.com; c.d@example.org", hits);
        Assert.Equal(["a@example.fr", "b@example.com", "c.d@example.org"], hits.Select(h => h.Email));
    }

    [Fact]
    public void EmailHit_ToString_HidesTheAddress() =>
        Assert.DoesNotContain("marie", new EmailHit(0, 10, "marie@example.fr").ToString(), StringComparison.Ordinal);
}
