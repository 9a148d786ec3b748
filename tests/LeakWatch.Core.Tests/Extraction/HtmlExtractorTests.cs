using LeakWatch.Core.Normalization;
using LeakWatch.Synthetic;
using System.Text;
using LeakWatch.Core.Extraction;

namespace LeakWatch.Core.Tests.Extraction;

public sealed class HtmlExtractorTests
{
    private const string ForumThread = """
        <!DOCTYPE html>
        <html><head><title>Vente base labo</title><script>var secret = "NOSCRIPT DUPONT";</script><style>.p{}</style></head>
        <body>
        <div class="post"><div class="author">h4ck3r</div>
        <div class="content">Voici un extrait, la suite en privé :<br>Nom : DUPONT<br>Pr&eacute;nom : H&eacute;l&egrave;ne<br>N&eacute;e le 12/03/1965</div>
        <pre><code>nom;prenom;ddn;nir
        MARTIN;Paul;01/01/1970;170017511234567
        BERNARD;Zo&eacute;;05/05/1985;285057511234567</code></pre>
        <table class="data"><tr><th>Nom</th><th>Prénom</th><th>Téléphone</th></tr>
        <tr><td>PETIT</td><td>Luc</td><td>06 12 34 56 78</td></tr></table>
        </div>
        </body></html>
        """;

    [Fact]
    public void Extract_ForumPost_TextCodeBlockAndTableAreAllRead()
    {
        var (summary, records) = ExtractionHarness.Extract(ForumThread, "thread.html");

        Assert.Equal(DocumentFormat.Html, summary.Format);
        Assert.Null(summary.Problem);

        // The code block is a CSV: rows with hints from its own header.
        var martin = Assert.Single(records, r => r.Values.Contains("MARTIN"));
        Assert.Equal("170017511234567", martin.ValueOf(FieldHint.Nir));
        Assert.Equal("Zoé", records.Single(r => r.Values.Contains("BERNARD")).ValueOf(FieldHint.FirstName));

        // The table: th cells name the columns.
        var petit = Assert.Single(records, r => r.Values.Contains("PETIT"));
        Assert.Equal("06 12 34 56 78", petit.ValueOf(FieldHint.Phone));
        Assert.Equal(ForumThread.IndexOf("<tr><td>PETIT", StringComparison.Ordinal), petit.Offset);

        // The prose: entities decoded, lines kept together in a window.
        var window = Assert.Single(records, r => r.Shape == RecordShape.FreeText && r.Text.Contains("DUPONT", StringComparison.Ordinal));
        Assert.Contains("Prénom : Hélène", window.Text, StringComparison.Ordinal);
        Assert.Contains("Née le 12/03/1965", window.Text, StringComparison.Ordinal);

        // Scripts and styles are not content.
        Assert.DoesNotContain(records.SelectMany(r => r.Values), v => v.Contains("NOSCRIPT", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_LayoutTable_IsReadAsText()
    {
        var page = "<table><tr><td>" + string.Concat(Enumerable.Repeat("Un long message de forum sans données. ", 20))
            + "Contact : marie.dupont@example.org</td></tr></table>";

        var (_, records) = ExtractionHarness.Extract(page, "page.html");

        Assert.Contains(records, r => r.Shape == RecordShape.FreeText && r.Text.Contains("marie.dupont@example.org", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_DeeplyNestedMarkup_CompletesWithoutRecursion()
    {
        var depth = 100_000;
        var page = "<html><body>" + string.Concat(Enumerable.Repeat("<div><span>", depth)) + "DUPONT Marie 12/03/1965"
            + string.Concat(Enumerable.Repeat("</span></div>", depth)) + "</body></html>";

        var (summary, records) = ExtractionHarness.Extract(page, "hostile.html");

        Assert.Contains(records, r => r.Text.Contains("DUPONT Marie 12/03/1965", StringComparison.Ordinal));
        Assert.Contains("nested deeper", summary.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_HugeAttributeAndUnclosedTags_AreHarmless()
    {
        var page = "<div title=\"" + new string('x', 5_000_000) + "\">" + string.Concat(Enumerable.Repeat("<p><b><i>", 20_000)) + "MARTIN Paul";

        var (_, records) = ExtractionHarness.Extract(page, "hostile.html");

        Assert.Contains(records, r => r.Text.Contains("MARTIN Paul", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Text.Contains("xxxx", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_PageOverTheCap_IsSkippedWithAReason()
    {
        var stream = new RepeatingStream("<html><body>"u8.ToArray(), Encoding.ASCII.GetBytes("<p>bla bla DUPONT</p>\n"), HtmlExtractor.MaxChars + 1_000_000L);
        var collector = new RecordCollector();

        var summary = RecordExtraction.Extract(stream, "huge.html", collector.Writer, CancellationToken.None);

        Assert.Equal(DocumentFormat.Html, summary.Format);
        Assert.Empty(collector.Records);
        Assert.Contains("larger than", summary.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_LargeFhirXmlBundle_IsReadLinearly()
    {
        var entries = string.Concat(Enumerable.Range(0, 20_000).Select(i =>
            $"<entry><resource><Patient><name><family value=\"NOM{i}\"/><given value=\"Marie\"/></name><birthDate value=\"1965-03-12\"/></Patient></resource></entry>\n"));
        var xml = "<?xml version=\"1.0\"?>\n<Bundle xmlns=\"http://hl7.org/fhir\">\n" + entries + "</Bundle>";

        var (summary, records) = ExtractionHarness.Extract(xml, "bundle.xml");

        Assert.Null(summary.Problem);

        // One window per patient: name, first name and birth date together, never mixed with a neighbour's.
        Assert.Equal(20_000, records.Count);
        Assert.All(records, r => Assert.Equal(3, r.Text.Split('\n').Length));
        Assert.Equal("NOM19999\nMarie\n1965-03-12", records[^1].Text);
        Assert.Equal(xml.IndexOf("NOM19999", StringComparison.Ordinal), records[^1].Offset);
    }

    [Fact]
    public void Extract_FhirXml_ValueAttributesAreRead()
    {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Patient xmlns="http://hl7.org/fhir">
              <name><use value="official"/><family value="DUPONT"/><given value="Marie"/></name>
              <birthDate value="1965-03-12"/>
            </Patient>
            """;

        var (summary, records) = ExtractionHarness.Extract(xml, "patient.xml");

        Assert.Equal(DocumentFormat.Xml, summary.Format);
        var window = Assert.Single(records);
        Assert.Equal(RecordShape.FreeText, window.Shape);
        Assert.Contains("DUPONT\nMarie\n1965-03-12", window.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://hl7.org/fhir", window.Text, StringComparison.Ordinal);
    }
}
