using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Normalization;

public sealed class NameNormalizerTests
{
    [Theory]
    [InlineData("D'ALMEIDA", "D ALMEIDA", "DALMEIDA")]
    [InlineData("d’Almeida", "D ALMEIDA", "DALMEIDA")]
    [InlineData("Dʼalmeida", "D ALMEIDA", "DALMEIDA")]
    [InlineData("D`ALMEIDA", "D ALMEIDA", "DALMEIDA")]
    [InlineData("LE GALL", "LE GALL", "LEGALL")]
    [InlineData("Le-Gall", "LE GALL", "LEGALL")]
    [InlineData("LEGALL", "LEGALL", "LEGALL")]
    [InlineData("le  gall", "LE GALL", "LEGALL")]
    [InlineData("Le–Gall", "LE GALL", "LEGALL")]
    [InlineData("Le—Gall", "LE GALL", "LEGALL")]
    [InlineData("Le‐Gall", "LE GALL", "LEGALL")]
    [InlineData("  Le _ Gall.  ", "LE GALL", "LEGALL")]
    [InlineData("NGUYỄN", "NGUYEN", "NGUYEN")]
    [InlineData("Nguyễn Thị Minh", "NGUYEN THI MINH", "NGUYENTHIMINH")]
    [InlineData("ŒUVRARD", "OEUVRARD", "OEUVRARD")]
    [InlineData("œuvrard", "OEUVRARD", "OEUVRARD")]
    [InlineData("LÆTITIA", "LAETITIA", "LAETITIA")]
    [InlineData("Müller", "MULLER", "MULLER")]
    [InlineData("Ødegaard", "ODEGAARD", "ODEGAARD")]
    [InlineData("Łukasz", "LUKASZ", "LUKASZ")]
    [InlineData("Strauß", "STRAUSS", "STRAUSS")]
    [InlineData("Đorđević", "DORDEVIC", "DORDEVIC")]
    [InlineData("Þórsson", "THORSSON", "THORSSON")]
    [InlineData("Hélène", "HELENE", "HELENE")]
    [InlineData("FRANÇOISE", "FRANCOISE", "FRANCOISE")]
    [InlineData("Chloë", "CHLOE", "CHLOE")]
    [InlineData("Noël", "NOEL", "NOEL")]
    [InlineData("Benoît", "BENOIT", "BENOIT")]
    [InlineData("He\u0301le\u0300ne", "HELENE", "HELENE")] // decomposed: e + combining accents
    [InlineData("ＤＵＰＯＮＴ", "DUPONT", "DUPONT")]
    [InlineData("de la Fontaine", "DE LA FONTAINE", "DELAFONTAINE")]
    [InlineData("DE LA FONTAINE", "DE LA FONTAINE", "DELAFONTAINE")]
    [InlineData("de La Tour d'Auvergne", "DE LA TOUR D AUVERGNE", "DELATOURDAUVERGNE")]
    [InlineData("Van der Berg", "VAN DER BERG", "VANDERBERG")]
    [InlineData("DUPONT^MARIE", "DUPONT MARIE", "DUPONTMARIE")]
    [InlineData("DUPONT, Marie", "DUPONT MARIE", "DUPONTMARIE")]
    [InlineData("dupont\u00A0marie", "DUPONT MARIE", "DUPONTMARIE")]
    [InlineData("Sainte-Marie", "SAINTE MARIE", "SAINTEMARIE")]
    public void Spaced_And_Compact_FoldNames(string raw, string spaced, string compact)
    {
        Assert.Equal(spaced, NameNormalizer.Spaced(raw));
        Assert.Equal(compact, NameNormalizer.Compact(raw));
        Span<char> buffer = stackalloc char[64];
        var length = NameNormalizer.CompactInto(raw, buffer);
        Assert.Equal(compact, new string(buffer[..length]));
    }

    [Theory]
    [InlineData("M. DUPONT", "DUPONT")]
    [InlineData("M DUPONT", "DUPONT")]
    [InlineData("Mr Dupont", "DUPONT")]
    [InlineData("Mme Dupont", "DUPONT")]
    [InlineData("MME. DUPONT", "DUPONT")]
    [InlineData("Mlle Dupont", "DUPONT")]
    [InlineData("Melle Dupont", "DUPONT")]
    [InlineData("Monsieur Le Gall", "LE GALL")]
    [InlineData("Madame de la Fontaine", "DE LA FONTAINE")]
    [InlineData("Mademoiselle D'Almeida", "D ALMEIDA")]
    [InlineData("Dr Martin", "MARTIN")]
    [InlineData("Docteur Martin", "MARTIN")]
    [InlineData("Pr. Martin", "MARTIN")]
    [InlineData("Professeur Martin", "MARTIN")]
    [InlineData("Me Martin", "MARTIN")]
    [InlineData("Maître Martin", "MARTIN")]
    [InlineData("Mme Dr Martin", "MARTIN")]
    [InlineData("M.DUPONT", "DUPONT")]
    [InlineData("M", "M")]
    [InlineData("Madame", "MADAME")]
    [InlineData("Mme Dr", "DR")]
    [InlineData("MARTIN M", "MARTIN M")]
    [InlineData("Marie Dupont", "MARIE DUPONT")]
    [InlineData("MEUNIER", "MEUNIER")]
    public void Spaced_LeadingCivility_IsDroppedOnlyWhenSomethingRemains(string raw, string expected)
    {
        Assert.Equal(expected, NameNormalizer.Spaced(raw));
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), NameNormalizer.Compact(raw));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("'-.")]
    [InlineData("DUPONT2")]
    [InlineData("12/03/1965")]
    [InlineData("1 65 03 75 112 123 45")]
    [InlineData("marie.dupont@example.fr")]
    [InlineData("Иванов")]
    [InlineData("DUPONT #3")]
    [InlineData("€")]
    public void Compact_NotAName_ReturnsNull(string raw)
    {
        Assert.Null(NameNormalizer.Compact(raw));
        Assert.Null(NameNormalizer.Spaced(raw));
        Span<char> buffer = stackalloc char[64];
        Assert.Equal(-1, NameNormalizer.CompactInto(raw, buffer));
    }

    [Fact]
    public void CompactInto_DestinationTooSmall_ReturnsMinusOne()
    {
        Span<char> buffer = stackalloc char[3];
        Assert.Equal(-1, NameNormalizer.CompactInto("DUPONT", buffer));
        Assert.Equal(3, NameNormalizer.CompactInto("Roy", buffer));
    }

    [Fact]
    public void CompactInto_LongInput_AgreesWithCompact()
    {
        var raw = string.Concat(Enumerable.Repeat("Œuvrard-d'Almeida ", 40));
        var buffer = new char[2048];
        var length = NameNormalizer.CompactInto(raw, buffer);
        Assert.Equal(NameNormalizer.Compact(raw), new string(buffer, 0, length));
    }

    [Theory]
    [InlineData("M", true)]
    [InlineData("m.", true)]
    [InlineData("Mme", true)]
    [InlineData("MLLE", true)]
    [InlineData("Melle", true)]
    [InlineData("Monsieur", true)]
    [InlineData("MADAME", true)]
    [InlineData("Mademoiselle", true)]
    [InlineData("Dr.", true)]
    [InlineData("docteur", true)]
    [InlineData("Pr", true)]
    [InlineData("Professeur", true)]
    [InlineData("Me", true)]
    [InlineData("Maître", true)]
    [InlineData("MR", true)]
    [InlineData("Marie", false)]
    [InlineData("Dupont", false)]
    [InlineData("LE", false)]
    [InlineData("", false)]
    [InlineData("M2", false)]
    public void IsCivility_Recognizes_Civilities(string word, bool expected) =>
        Assert.Equal(expected, NameNormalizer.IsCivility(word));

    [Theory]
    [InlineData("Marie Claire Anne", new[] { "MARIECLAIREANNE", "MARIE", "CLAIRE", "ANNE", "MARIECLAIRE" })]
    [InlineData("Jean-Pierre", new[] { "JEANPIERRE" })]
    [InlineData("JEAN-PIERRE", new[] { "JEANPIERRE" })]
    [InlineData("Jean Pierre", new[] { "JEANPIERRE", "JEAN", "PIERRE" })]
    [InlineData("MARIE, CLAIRE", new[] { "MARIECLAIRE", "MARIE", "CLAIRE" })]
    [InlineData("Marie,Claire", new[] { "MARIECLAIRE", "MARIE", "CLAIRE" })]
    [InlineData("Jean-Pierre Marie Joseph", new[] { "JEANPIERREMARIEJOSEPH", "JEANPIERRE", "MARIE", "JOSEPH", "JEANPIERREMARIE" })]
    [InlineData("Hélène", new[] { "HELENE" })]
    [InlineData("  Éloïse  ", new[] { "ELOISE" })]
    [InlineData("Marie J.", new[] { "MARIEJ", "MARIE" })]
    [InlineData("Anne Anne", new[] { "ANNEANNE", "ANNE" })]
    [InlineData("Mme Marie Claire", new[] { "MARIECLAIRE", "MARIE", "CLAIRE" })]
    public void FirstNameVariants_List_GivesWholeEachAndFirstTwo(string raw, string[] expected) =>
        Assert.Equal(expected, NameNormalizer.FirstNameVariants(raw));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(", ;")]
    [InlineData("1234")]
    public void FirstNameVariants_NoName_IsEmpty(string raw) =>
        Assert.Empty(NameNormalizer.FirstNameVariants(raw));

    [Fact]
    public void Compact_SpacedAndCompactForms_AgreeOnSyntheticNames()
    {
        // The scanner compacts leaked fields; enrollment compacts the lab's. Any spelling of the same name must agree.
        var names = new[] { "Le Gall", "D'Almeida", "De La Fontaine", "Œuvrard", "N'Diaye", "Saint-Exupéry", "Nguyễn" };
        foreach (var name in names)
        {
            var upper = name.ToUpperInvariant();
            var hyphenated = name.Replace(' ', '-').Replace('\'', '-');
            var compact = NameNormalizer.Compact(name);
            Assert.NotNull(compact);
            Assert.Equal(compact, NameNormalizer.Compact(upper));
            Assert.Equal(compact, NameNormalizer.Compact(hyphenated));
            Assert.Equal(compact, NameNormalizer.Compact(NameNormalizer.Spaced(name)));
        }
    }
}
