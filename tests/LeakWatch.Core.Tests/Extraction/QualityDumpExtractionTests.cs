using LeakWatch.Core.Extraction;
using LeakWatch.Core.Normalization;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Dumps;

namespace LeakWatch.Core.Tests.Extraction;

/// <summary>Every leaked-file shape of the quality corpus yields, for every person in it, a record holding the name.</summary>
public sealed class QualityDumpExtractionTests
{
    private static readonly FieldHint[] NameHints = [FieldHint.LastName, FieldHint.BirthName, FieldHint.UsageName, FieldHint.FullName];

    [Theory]
    [InlineData("csv", "Delimited", true)]
    [InlineData("lab2021", "Delimited", true)]
    [InlineData("tsv-noheader", "Delimited", false)]
    [InlineData("pipe-fullname", "Delimited", true)]
    [InlineData("sql", "Sql", true)]
    [InlineData("json", "Json", true)]
    [InlineData("jsonl", "JsonLines", true)]
    [InlineData("fhir", "Json", true)]
    [InlineData("hl7", "Hl7", true)]
    [InlineData("hprim", "Hprim", true)]
    [InlineData("html", "Html", false)]
    [InlineData("text", "FreeText", false)]
    public void Extract_QualityDump_EveryPersonIsInARecord(string kind, string format, bool hinted)
    {
        var people = SyntheticPopulation.Generate(40, seed: 11).Select((p, i) => (p, i % 3 == 0)).ToList();
        var bytes = QualityDumps.EncodingFor(kind).GetBytes(QualityDumps.Write(kind, people, seed: 5));

        var (summary, records) = ExtractionHarness.Extract(bytes, "leak" + QualityDumps.Extension(kind));

        Assert.Equal(Enum.Parse<DocumentFormat>(format), summary.Format);
        Assert.Null(summary.Problem);
        foreach (var (person, usage) in people)
        {
            var last = DumpStyle.Upper(DumpStyle.LastName(person, usage));
            var holding = records.Where(r => r.Values.Any(v => DumpStyle.Upper(v).Contains(last, StringComparison.Ordinal))).ToList();
            Assert.True(holding.Count > 0, $"{kind}: no record holds person {person.Ipp}");
            if (!hinted) continue;

            Assert.Contains(holding, r => r.Fields.Any(f => NameHints.Contains(f.Hint) && DumpStyle.Upper(f.Value).Contains(last, StringComparison.Ordinal)));
            Assert.Contains(holding, r => r.Fields.Any(f => f.Hint == FieldHint.BirthDate));
        }
    }
}
