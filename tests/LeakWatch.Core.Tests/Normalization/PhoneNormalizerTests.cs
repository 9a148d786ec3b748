using LeakWatch.Core.Normalization;
using PhoneNumbers;

namespace LeakWatch.Core.Tests.Normalization;

public sealed class PhoneNormalizerTests
{
    private static readonly PhoneNumberUtil Library = PhoneNumberUtil.GetInstance();

    [Theory]
    [InlineData("06 12 34 56 78")]
    [InlineData("06.12.34.56.78")]
    [InlineData("06-12-34-56-78")]
    [InlineData("0612345678")]
    [InlineData("06 12 34 56 78 ")]
    [InlineData("06\u00A012\u00A034\u00A056\u00A078")]
    [InlineData("+33 6 12 34 56 78")]
    [InlineData("+33612345678")]
    [InlineData("+33 (0)6 12 34 56 78")]
    [InlineData("+33(0)612345678")]
    [InlineData("+33 06 12 34 56 78")]
    [InlineData("0033612345678")]
    [InlineData("0033 6 12 34 56 78")]
    [InlineData("33612345678")]
    [InlineData("06/12/34/56/78")]
    [InlineData("(06) 12 34 56 78")]
    public void ToE164_FrenchForms_GiveE164(string raw) => Assert.Equal("+33612345678", PhoneNormalizer.ToE164(raw));

    [Theory]
    [InlineData("01 42 34 56 78", "+33142345678")]
    [InlineData("04.78.12.34.56", "+33478123456")]
    [InlineData("07 81 23 45 67", "+33781234567")]
    [InlineData("09 72 12 34 56", "+33972123456")]
    [InlineData("0800 123 456", "+33800123456")]
    [InlineData("0262 21 34 56", "+262262213456")] // Réunion, dialled from France
    [InlineData("0692 12 34 56", "+262692123456")]
    [InlineData("+262 692 12 34 56", "+262692123456")]
    [InlineData("+33 692 12 34 56", "+262692123456")]
    [InlineData("00262692123456", "+262692123456")]
    [InlineData("0691 54 09 73", "+590691540973")] // a block libphonenumber does not know yet: still one answer for every form
    [InlineData("+590 691 54 09 73", "+590691540973")]
    [InlineData("+590 (0)691 54 09 73", "+590691540973")]
    [InlineData("+33 691 54 09 73", "+590691540973")]
    [InlineData("0590 12 34 56", "+590590123456")] // Guadeloupe
    [InlineData("0690 12 34 56", "+590690123456")]
    [InlineData("0596 61 23 45", "+596596612345")] // Martinique
    [InlineData("0696 12 34 56", "+596696123456")]
    [InlineData("0594 12 34 56", "+594594123456")] // Guyane
    [InlineData("0639 12 34 56", "+262639123456")] // Mayotte
    [InlineData("0269 61 23 45", "+262269612345")]
    public void ToE164_FrenchAndOverseas_GiveE164(string raw, string expected) => Assert.Equal(expected, PhoneNormalizer.ToE164(raw));

    [Theory]
    [InlineData("GB")]
    [InlineData("DE")]
    [InlineData("BE")]
    [InlineData("CH")]
    [InlineData("US")]
    [InlineData("MA")]
    [InlineData("DZ")]
    [InlineData("TN")]
    [InlineData("ES")]
    [InlineData("IT")]
    [InlineData("PT")]
    [InlineData("SN")]
    public void ToE164_ForeignInternationalForms_AgreeWithLibphonenumber(string region)
    {
        foreach (var type in new[] { PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE })
        {
            var example = Library.GetExampleNumberForType(region, type);
            var e164 = Library.Format(example, PhoneNumberFormat.E164);
            Assert.Equal(e164, PhoneNormalizer.ToE164(Library.Format(example, PhoneNumberFormat.INTERNATIONAL)));
            Assert.Equal(e164, PhoneNormalizer.ToE164(e164));
            Assert.Equal(e164, PhoneNormalizer.ToE164("00" + e164[1..]));
        }
    }

    [Fact]
    public void ToE164_ManyThreads_GiveTheSameAnswersAsOneThread()
    {
        var inputs = Library.GetSupportedRegions()
            .Select(region => Library.GetExampleNumberForType(region, PhoneNumberType.MOBILE))
            .Where(number => number is not null)
            .Select(number => Library.Format(number, PhoneNumberFormat.INTERNATIONAL))
            .Concat(Enumerable.Range(0, 200).Select(i => $"06 {i % 90 + 10} 34 56 78"))
            .ToArray();
        var expected = inputs.Select(raw => PhoneNormalizer.ToE164(raw)).ToArray();
        var actual = new string?[inputs.Length * 8];
        Parallel.For(0, actual.Length, i => actual[i] = PhoneNormalizer.ToE164(inputs[i % inputs.Length]));
        for (var i = 0; i < actual.Length; i++) Assert.Equal(expected[i % inputs.Length], actual[i]);
        Assert.True(expected.Count(e => e is not null) > 150);
    }

    [Theory]
    [InlineData("RE")]
    [InlineData("GP")]
    [InlineData("MQ")]
    [InlineData("GF")]
    [InlineData("YT")]
    public void ToE164_OverseasNationalForms_AgreeWithLibphonenumber(string region)
    {
        foreach (var type in new[] { PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE })
        {
            var example = Library.GetExampleNumberForType(region, type);
            var e164 = Library.Format(example, PhoneNumberFormat.E164);
            Assert.Equal(e164, PhoneNormalizer.ToE164(Library.Format(example, PhoneNumberFormat.NATIONAL)));
            Assert.Equal(e164, PhoneNormalizer.ToE164(Library.Format(example, PhoneNumberFormat.INTERNATIONAL)));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("12/03/1965")]
    [InlineData("1965-03-12")]
    [InlineData("19650312")]
    [InlineData("1 65 03 75 112 123 35")]
    [InlineData("165037511212335")]
    [InlineData("75001")]
    [InlineData("3615")]
    [InlineData("112")]
    [InlineData("0612")]
    [InlineData("06 12 34 56 7")]
    [InlineData("06 12 34 56 789")]
    [InlineData("6 12 34 56 78")]
    [InlineData("00 12 34 56 78")]
    [InlineData("+33 6 12 34 56")]
    [InlineData("+33 6 12 34 56 78 9")]
    [InlineData("06 12 34 56 78 poste 12")]
    [InlineData("DUPONT")]
    [InlineData("+999 123 456 789")]
    [InlineData("+44 12")]
    [InlineData("tel: 06 12 34 56 78")]
    [InlineData("(06 12 34 56 78")]
    [InlineData("0045678912")]
    [InlineData("00123456789")]
    [InlineData("+1 202 456")]
    public void ToE164_NotAPhone_GivesNull(string raw) => Assert.Null(PhoneNormalizer.ToE164(raw));

    [Theory]
    [InlineData("612345678", "+33612345678")]
    [InlineData("6 12 34 56 78", "+33612345678")]
    [InlineData("142345678", "+33142345678")]
    [InlineData("692123456", "+262692123456")]
    [InlineData("0612345678", "+33612345678")]
    public void ToE164_PhoneColumn_AcceptsLostLeadingZero(string raw, string expected)
    {
        Assert.Equal(expected, PhoneNormalizer.ToE164(raw, phoneColumn: true));
        if (raw.Length < 10 || raw.Contains(' ', StringComparison.Ordinal)) Assert.Null(PhoneNormalizer.ToE164(raw));
    }

    [Theory]
    [InlineData("012345678")]
    [InlineData("12345678")]
    [InlineData("1234567890")]
    public void ToE164_PhoneColumnOtherLengths_StayNull(string raw) => Assert.Null(PhoneNormalizer.ToE164(raw, phoneColumn: true));

    [Fact]
    public void ToE164_FastPath_AgreesWithLibphonenumberOnRandomFrenchNumbers()
    {
        var random = new Random(20240611);
        var firstDigits = "123456789";
        var checkedCount = 0;
        for (var n = 0; n < 3000; n++)
        {
            var nine = new char[9];
            nine[0] = firstDigits[random.Next(firstDigits.Length)];
            for (var i = 1; i < 9; i++) nine[i] = (char)('0' + random.Next(10));
            var national = "0" + new string(nine);
            var (expected, parsed) = Reference(national);
            var libraryForms = new[] { Library.Format(parsed, PhoneNumberFormat.INTERNATIONAL), Library.Format(parsed, PhoneNumberFormat.NATIONAL) };
            foreach (var raw in Formats(national, random).Concat(libraryForms))
            {
                Assert.True(expected == PhoneNormalizer.ToE164(raw), $"format {checkedCount}: {raw} -> {PhoneNormalizer.ToE164(raw)}, library {expected}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 40_000);
    }

    // libphonenumber's answer for a French national number: region FR, or the overseas region that owns the prefix.
    private static (string E164, PhoneNumber Parsed) Reference(string national)
    {
        var region = PhoneNormalizer.OverseasCountryCode(national.AsSpan(1)) switch
        {
            null => "FR",
            "262" => national.StartsWith("0269", StringComparison.Ordinal) || national.StartsWith("0639", StringComparison.Ordinal) ? "YT" : "RE",
            "590" => "GP",
            "594" => "GF",
            "596" => "MQ",
            _ => throw new InvalidOperationException(),
        };
        var parsed = Library.Parse(national, region);
        return (Library.Format(parsed, PhoneNumberFormat.E164), parsed);
    }

    private static IEnumerable<string> Formats(string national, Random random)
    {
        var nine = national[1..];
        string Pairs(string digits, string separator) =>
            string.Join(separator, Enumerable.Range(0, digits.Length / 2).Select(i => digits.Substring(i * 2, 2)));
        yield return national;
        yield return Pairs(national, " ");
        yield return Pairs(national, ".");
        yield return Pairs(national, "-");
        yield return Pairs(national, "\u00A0");
        yield return "+33" + nine;
        yield return "+33 " + nine[0] + " " + Pairs(nine[1..], " ");
        yield return "+33 (0)" + nine[0] + " " + Pairs(nine[1..], " ");
        yield return "+33(0)" + nine;
        yield return "0033" + nine;
        yield return "0033 " + nine[0] + " " + Pairs(nine[1..], " ");
        yield return "33" + nine;
        yield return " " + Pairs(national, random.Next(2) == 0 ? " " : ".") + " ";
    }

    [Theory]
    [InlineData("Tél. : 06 12 34 56 78, merci", "06 12 34 56 78", "+33612345678")]
    [InlineData("portable:+33 (0)6 12 34 56 78.", "+33 (0)6 12 34 56 78", "+33612345678")]
    [InlineData("tel 0612345678 / fax", "0612345678", "+33612345678")]
    [InlineData("06.12.34.56.78 12 rue des Lilas", "06.12.34.56.78", "+33612345678")]
    [InlineData("call +44 20 7946 0958 now", "+44 20 7946 0958", "+442079460958")]
    [InlineData("DUPONT;0612345678;MARIE", "0612345678", "+33612345678")]
    public void FindAll_PhoneInText_IsFound(string text, string expectedText, string e164)
    {
        var hits = new List<PhoneHit>();
        PhoneNormalizer.FindAll(text, hits);
        var hit = Assert.Single(hits);
        Assert.Equal(expectedText, text.Substring(hit.Start, hit.Length));
        Assert.Equal(e164, hit.E164);
    }

    [Theory]
    [InlineData("né le 12/03/1965")]
    [InlineData("NIR 1 65 03 75 112 123 35")]
    [InlineData("75001 Paris")]
    [InlineData("ref0612345678")]
    [InlineData("commande 12345678901234567890")]
    public void FindAll_NotAPhone_FindsNothing(string text)
    {
        var hits = new List<PhoneHit>();
        PhoneNormalizer.FindAll(text, hits);
        Assert.Empty(hits);
    }

    [Fact]
    public void FindAll_TwoPhones_FindsBoth()
    {
        var hits = new List<PhoneHit>();
        PhoneNormalizer.FindAll("06 12 34 56 78 ou 01 42 34 56 78", hits);
        Assert.Equal(["+33612345678", "+33142345678"], hits.Select(h => h.E164));
    }

    [Fact]
    public void PhoneHit_ToString_HidesTheNumber() =>
        Assert.DoesNotContain("612", new PhoneHit(0, 10, "+33612345678").ToString(), StringComparison.Ordinal);
}
