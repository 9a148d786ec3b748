using LeakWatch.Core.Matching;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Matching;

public sealed class RecordMatcherTests : IDisposable
{
    // Synthetic identities; the NIRs carry valid keys (97 - body mod 97).
    private static readonly RawPatient Helene = new("IPP001", "Le Gall", "Durand", "Hélène Marie", "12/03/1965", "265037511212382", "06 12 34 56 78", "helene.legall@example.org");
    private static readonly RawPatient Joao = new("IPP002", "D'Almeida", null, "João", "1980-07-01", null, "+33 7 11 22 33 44", null);
    private static readonly RawPatient Marc = new("IPP003", "Martin", null, "Marc-Antoine", "02/02/1990", "190022A01234577", null, "marc.martin@example.org");
    private readonly MatcherFixture _fixture = new MatcherFixture().Add(Helene).Add(Joao).Add(Marc);

    [Fact]
    public void Scan_NirWithNameInAnyColumnOrder_IsHighConfidence()
    {
        var matches = _fixture.ScanRows(["x", "LEGALL", "2 65 03 75 112 123 82", "paris"]);

        var match = Assert.Single(matches);
        Assert.Equal(_fixture.RefsById["IPP001"], match.Patient);
        Assert.Equal(Confidence.High, match.Confidence);
        Assert.Contains("nir+name", match.Rules.Names());
        Assert.True(match.Fields.HasFlag(MatchedFields.Nir));
    }

    [Fact]
    public void Scan_NirAlone_IsMedium()
    {
        var match = Assert.Single(_fixture.ScanRows(["265037511212382", "foo"]));
        Assert.Equal(Confidence.Medium, match.Confidence);
        Assert.Equal(["nir"], match.Rules.Names());
    }

    [Fact]
    public void Scan_NirInARowNamingSomeoneElse_IsOnlyLow()
    {
        var match = Assert.Single(_fixture.ScanRows(["MARTIN", "MARC", "265037511212382"]));
        Assert.Equal(Confidence.Low, match.Confidence);
    }

    [Fact]
    public void Scan_HeadersNameTheRoles_SwappedNamesAreNotAnIdentity()
    {
        // Someone called Durand Hélène is not Hélène Durand when the headers say which is which...
        Assert.Empty(_fixture.ScanFields([("HELENE", FieldHint.LastName), ("DURAND", FieldHint.FirstName), ("12/03/1965", FieldHint.BirthDate)]));
        // ...but without headers the order is unknown and either is tried.
        Assert.Single(_fixture.ScanRows(["HELENE", "DURAND", "12/03/1965"]));
    }

    [Fact]
    public void Scan_IdentityInARowWhoseNirIsSomeoneElses_IsOnlyLow()
    {
        // Same names and birth date as Hélène, but the row's NIR (valid key) is another person's: a namesake.
        var match = Assert.Single(_fixture.ScanRows(["LE GALL", "HELENE", "12/03/1965", "265037511299979"]));
        Assert.Equal(Confidence.Low, match.Confidence);
        Assert.Equal(["identity"], match.Rules.Names());
    }

    [Fact]
    public void Scan_NirWithWrongKey_IsNotANir()
    {
        Assert.Empty(_fixture.ScanRows(["265037511212383", "LE GALL"]));
    }

    [Theory]
    [InlineData("DURAND", "HELENE", "12/03/1965")]      // usage (married) name
    [InlineData("Le-Gall", "Hélène", "1965-03-12")]     // birth name, hyphen, accents
    [InlineData("HELENE", "LE GALL", "12 mars 1965")]   // first name first, date in words
    [InlineData("LEGALL", "MARIE", "19650312")]         // second given name, compact date
    public void Scan_NameFirstNameBirthDate_MatchesIdentity(string a, string b, string date)
    {
        var match = Assert.Single(_fixture.ScanRows(["17", a, b, "ANALYSE", date, "NEGATIF"]));
        Assert.Equal(_fixture.RefsById["IPP001"], match.Patient);
        Assert.Equal(["identity"], match.Rules.Names());
        Assert.Equal(Confidence.Medium, match.Confidence);
    }

    [Fact]
    public void Scan_SingleFullNameColumn_MatchesIdentity()
    {
        var match = Assert.Single(_fixture.ScanRows(["Hélène LE GALL", "12.03.1965"]));
        Assert.Equal(_fixture.RefsById["IPP001"], match.Patient);
    }

    [Fact]
    public void Scan_SameNamesOtherBirthDate_IsNoMatch()
    {
        Assert.Empty(_fixture.ScanRows(["LE GALL", "HELENE", "13/03/1965"], ["MARTIN", "MARC-ANTOINE", "02/02/1991"]));
    }

    [Fact]
    public void Scan_HyphenatedFirstNameWrittenWithSpace_Matches()
    {
        var match = Assert.Single(_fixture.ScanRows(["MARTIN", "MARC ANTOINE", "02/02/1990"]));
        Assert.Equal(_fixture.RefsById["IPP003"], match.Patient);
    }

    [Fact]
    public void Scan_PhoneWithName_IsMediumButPhoneAloneIsLow()
    {
        var withName = Assert.Single(_fixture.ScanRows(["dalmeida", "07.11.22.33.44"]));
        Assert.Equal(["phone+name"], withName.Rules.Names());
        Assert.Equal(Confidence.Medium, withName.Confidence);
        var alone = Assert.Single(_fixture.ScanRows(["someone", "0711223344"]));
        Assert.Equal(Confidence.Low, alone.Confidence);
    }

    [Fact]
    public void Scan_EmailEvenWithTheName_IsLowOnItsOwn()
    {
        var alone = Assert.Single(_fixture.ScanRows(["LEFEBVRE", "marc.martin@example.org"]));
        Assert.Equal(Confidence.Low, alone.Confidence);
        Assert.Equal(["email"], alone.Rules.Names());
        var withName = Assert.Single(_fixture.ScanRows(["Martin", "marc.martin@example.org"]));
        Assert.Equal(Confidence.Low, withName.Confidence);
        Assert.Equal(["email+name"], withName.Rules.Names());
    }

    [Fact]
    public void Scan_IdentityLineInOneCell_IsReadAsProse()
    {
        var match = Assert.Single(_fixture.ScanRows(["17", "Patient : LE GALL Hélène - DDN 12/03/1965 - résultat positif"]));
        Assert.Equal(_fixture.RefsById["IPP001"], match.Patient);
    }

    [Fact]
    public void Scan_EmailAndIdentityAgree_IsHigh()
    {
        var match = Assert.Single(_fixture.ScanRows(["Marc.Martin@Example.org", "MARTIN", "MARC-ANTOINE", "02/02/1990"]));
        Assert.Equal(Confidence.High, match.Confidence);
        Assert.Contains("email+name", match.Rules.Names());
        Assert.Contains("identity", match.Rules.Names());
    }

    [Fact]
    public void Scan_HintedOtherColumn_IsNotUsedAsAName()
    {
        var hinted = _fixture.ScanFields([("MARTIN", FieldHint.Other), ("MARC-ANTOINE", FieldHint.FirstName), ("02/02/1990", FieldHint.BirthDate)]);
        Assert.Empty(hinted);
    }

    [Fact]
    public void Scan_HeaderSaysWhereTheIdentityIs_DoctorAndExamDateAreNotTakenForAPatient()
    {
        // The row is about someone else; the prescribing doctor and the exam date happen to be a patient's identity.
        var row = new[]
        {
            ("BERNARD", FieldHint.LastName), ("PAUL", FieldHint.FirstName), ("01/01/1950", FieldHint.BirthDate),
            ("MARTIN", FieldHint.None), ("MARC-ANTOINE", FieldHint.None), ("02/02/1990", FieldHint.None),
        };
        Assert.Empty(_fixture.ScanFields(row));

        // Without any header, the same cells are all that is known: the identity is found.
        Assert.Single(_fixture.ScanRows(["BERNARD", "PAUL", "01/01/1950", "MARTIN", "MARC-ANTOINE", "02/02/1990"]));
    }

    [Fact]
    public void Scan_FreeFrenchText_FindsIdentityAndNir()
    {
        var matches = _fixture.ScanText(
            "Mme Hélène DURAND, née le 12 mars 1965, habite Paris.",
            "Dossier de M. Marc-Antoine Martin, n° sécu 1 90 02 2A 012 345 77, positif.");

        Assert.Equal(2, matches.Count);
        Assert.Contains(matches, m => m.Patient == _fixture.RefsById["IPP001"] && m.Rules.Names().Contains("identity"));
        Assert.Contains(matches, m => m.Patient == _fixture.RefsById["IPP003"] && m.Rules.Names().Contains("nir+name"));
    }

    [Fact]
    public void Scan_ManyRows_CountsEveryRecordAndGroupsPerPatient()
    {
        var rows = Enumerable.Range(0, 10_000).Select(i => i % 1000 == 0
            ? new[] { "LE GALL", "HELENE", "12/03/1965" }
            : new[] { "NOBODY" + i, "X", "01/01/2000" }).ToArray();

        var pipeline = _fixture.Pipeline;
        var result = pipeline.Run((writer, _) =>
        {
            for (var i = 0; i < rows.Length; i++)
            {
                writer.BeginRecord(i, i + 1);
                foreach (var value in rows[i]) writer.AddField(value);
                writer.EndRecord();
            }
        }, CancellationToken.None);

        Assert.Equal(10_000, result.Records);
        var match = Assert.Single(result.ToMatches(pipeline.Index.Patients));
        Assert.Equal(DocumentMatches.MaxLocationsPerPatient, match.Locations.Count);
        Assert.Equal(1, match.Locations[0].Line);
    }

    public void Dispose() => _fixture.Dispose();
}
