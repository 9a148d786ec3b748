using LeakWatch.Core.Extraction;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Extraction;

public sealed class JsonExtractorTests
{
    private const string FhirPatient = """
        {
          "resourceType": "Patient",
          "id": "p1",
          "identifier": [
            { "use": "official", "system": "urn:oid:1.2.250.1.213.1.4.8", "value": "265037511212382" },
            { "use": "usual", "system": "https://hopital.example.org/ipp", "value": "IPP-000123" }
          ],
          "name": [
            { "use": "usual", "family": "MARTIN", "given": ["Hélène"] },
            { "use": "official", "family": "DUPONT", "given": ["Hélène", "Marie"], "prefix": ["Mme"] }
          ],
          "telecom": [
            { "system": "phone", "value": "06 12 34 56 78", "use": "mobile" },
            { "system": "email", "value": "helene.martin@example.org" }
          ],
          "gender": "female",
          "birthDate": "1965-03-12",
          "address": [ { "line": ["3 rue des Lilas"], "city": "Rennes", "postalCode": "35000" } ],
          "contact": [ { "name": { "family": "MARTIN", "given": ["Paul"] } } ]
        }
        """;

    [Fact]
    public void Extract_FhirPatient_OneRecordWithFhirMeanings()
    {
        var (summary, records) = ExtractionHarness.Extract(FhirPatient, "patient.json");

        Assert.Equal(DocumentFormat.Json, summary.Format);
        var patient = Assert.Single(records, r => r.ValuesOf(FieldHint.Nir).Any());
        Assert.Equal("265037511212382", patient.ValueOf(FieldHint.Nir));
        Assert.Contains("IPP-000123", patient.ValuesOf(FieldHint.Identifier));
        Assert.Equal("DUPONT", patient.ValueOf(FieldHint.BirthName));
        Assert.Equal("MARTIN", patient.ValueOf(FieldHint.UsageName));
        Assert.Equal(["Hélène", "Hélène", "Marie"], patient.ValuesOf(FieldHint.FirstName));
        Assert.Equal("1965-03-12", patient.ValueOf(FieldHint.BirthDate));
        Assert.Equal("06 12 34 56 78", patient.ValueOf(FieldHint.Phone));
        Assert.Equal("helene.martin@example.org", patient.ValueOf(FieldHint.Email));
        Assert.Equal("35000", patient.ValueOf(FieldHint.PostalCode));
        Assert.Equal(0, patient.Offset);

        // The emergency contact is someone else: a record of its own, not names mixed into the patient's.
        Assert.DoesNotContain("Paul", patient.Values);
        Assert.Contains(records, r => r.Values.Contains("Paul"));
    }

    [Fact]
    public void Extract_FhirBundle_OneRecordPerPatient()
    {
        var bundle = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
            + "{\"fullUrl\":\"urn:uuid:1\",\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"DUPONT\",\"given\":[\"Marie\"]}],\"birthDate\":\"1965-03-12\"}},"
            + "{\"fullUrl\":\"urn:uuid:2\",\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"BERNARD\",\"given\":[\"Luc\"]}],\"birthDate\":\"1970-01-01\"}}]}";

        var (_, records) = ExtractionHarness.Extract(bundle, "bundle.json");

        var patients = records.Where(r => r.ValuesOf(FieldHint.BirthDate).Any()).ToList();
        Assert.Equal(2, patients.Count);
        Assert.Equal(["DUPONT", "Marie", "1965-03-12"], patients[0].Values);
        Assert.Equal(["BERNARD", "Luc", "1970-01-01"], patients[1].Values);
        Assert.Equal(FieldHint.LastName, patients[0].Fields[0].Hint);
        Assert.Equal(bundle.IndexOf("{\"resourceType\":\"Patient\"", StringComparison.Ordinal), patients[0].Offset);
    }

    [Fact]
    public void Extract_ArrayOfObjects_OneRecordPerObjectWithNestedFieldsFlattened()
    {
        var json = """
            {"export": "2021-03", "patients": [
              {"id": 1, "nom": "DUPONT", "prenom": "Marie", "naissance": {"date": "12/03/1965", "ville": "Paris"}, "tel": null},
              {"id": 2, "nom": "MARTIN", "prenom": "Paul", "naissance": {"date": "01/01/1970"}, "emails": ["p.martin@example.org"]}
            ]}
            """;

        var (_, records) = ExtractionHarness.Extract(json, "dump.json");

        var dupont = Assert.Single(records, r => r.Values.Contains("DUPONT"));
        Assert.Equal(["1", "DUPONT", "Marie", "12/03/1965", "Paris"], dupont.Values);
        Assert.Equal(FieldHint.LastName, dupont.Fields[1].Hint);
        Assert.Equal(FieldHint.FirstName, dupont.Fields[2].Hint);
        var martin = Assert.Single(records, r => r.Values.Contains("MARTIN"));
        Assert.Equal(FieldHint.Email, martin.Fields.Single(f => f.Value.Contains('@')).Hint);
        Assert.Equal(3, martin.Line);
        Assert.DoesNotContain("MARTIN", dupont.Values);
    }

    [Fact]
    public void Extract_NestedObjectAboutSomebodyElse_KeepsItsNamesButNotAsThePatients()
    {
        var json = """[{"nom": "DUPONT", "prenom": "Marie", "medecin": {"nom": "GARNIER", "prenom": "Paul", "tel": "0298000000"}}]""";

        var (_, records) = ExtractionHarness.Extract(json);

        var record = Assert.Single(records);
        Assert.Equal(["DUPONT"], record.ValuesOf(FieldHint.LastName));
        Assert.Equal(["Marie"], record.ValuesOf(FieldHint.FirstName));
        Assert.Contains("GARNIER", record.ValuesOf(FieldHint.Other));
    }

    [Fact]
    public void Extract_MapOfEntitiesKeyedById_OneRecordPerEntity()
    {
        var json = """{"1001": {"nom": "DUPONT", "prenom": "Marie"}, "1002": {"nom": "MARTIN", "prenom": "Paul"}}""";

        var (_, records) = ExtractionHarness.Extract(json, "map.json");

        Assert.Equal(["DUPONT|Marie", "MARTIN|Paul"], records.Select(r => r.Text));
    }

    [Fact]
    public void Extract_TableAsArraysOfScalars_OneRecordPerRow()
    {
        var json = """{"columns": ["nom", "prenom"], "data": [["DUPONT", "Marie"], ["MARTIN", "Paul"]]}""";

        var (_, records) = ExtractionHarness.Extract(json);

        Assert.Contains(records, r => r.Text == "DUPONT|Marie");
        Assert.Contains(records, r => r.Text == "MARTIN|Paul");
    }

    [Fact]
    public void Extract_JsonLinesWithABrokenLine_ResumesAtTheNextLine()
    {
        var lines = "{\"nom\":\"DUPONT\",\"prenom\":\"Marie\"}\n{\"nom\":\"BROKEN\",\"prenom\":\n{\"nom\":\"MARTIN\",\"prenom\":\"Paul\"}\n";

        var (summary, records) = ExtractionHarness.Extract(lines, "dump.jsonl");

        Assert.Equal(DocumentFormat.JsonLines, summary.Format);
        Assert.Contains(records, r => r.Text == "DUPONT|Marie");
        Assert.Contains(records, r => r.Text == "MARTIN|Paul");
        Assert.Equal(3, records.Single(r => r.Text == "MARTIN|Paul").Line);
        Assert.NotNull(summary.Problem);
        Assert.DoesNotContain("BROKEN", summary.Problem);
    }

    [Fact]
    public void Extract_BrokenJsonDocument_KeepsRecordsBeforeTheErrorAndSaysWhere()
    {
        var json = "[{\"nom\":\"DUPONT\"},\n{\"nom\":\"MARTIN\"},\n{\"nom\": oops}]";

        var (summary, records) = ExtractionHarness.Extract(json);

        Assert.Equal(["DUPONT", "MARTIN"], records.Select(r => r.Text));
        Assert.Contains("line 3", summary.Problem);
    }

    [Fact]
    public void Extract_ProseValue_BecomesAFreeTextRecordAndBlobsAreDropped()
    {
        var post = "Bonjour, je cherche des nouvelles de Marie DUPONT née le 12/03/1965 à Rennes, elle était suivie au laboratoire.";
        var blob = new string('A', 8000);
        var json = $"{{\"id\": 7, \"message\": \"{post}\", \"attachment\": \"{blob}\"}}";

        var (_, records) = ExtractionHarness.Extract(json);

        var text = Assert.Single(records, r => r.Shape == RecordShape.FreeText);
        Assert.Equal(post, text.Values.Single());
        Assert.DoesNotContain(records.SelectMany(r => r.Values), v => v.StartsWith("AAAA", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_NestingDeeperThanTheReaderAllows_ReportsAProblemWithoutThrowing()
    {
        var json = "{\"nom\":\"DUPONT\",\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        var (summary, records) = ExtractionHarness.Extract(json);

        Assert.NotNull(summary.Problem);
        Assert.Contains(records, r => r.Values.Contains("DUPONT"));
    }
}
