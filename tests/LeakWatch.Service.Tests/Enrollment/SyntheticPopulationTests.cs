using System.Globalization;
using LeakWatch.Core.Normalization;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Enrollment;

public sealed class SyntheticPopulationTests
{
    private static readonly SyntheticPatient[] People = SyntheticPopulation.GenerateArray(20_000, seed: 77);

    [Fact]
    public void Generate_SameSeed_SamePeople_OtherSeed_OtherPeople()
    {
        Assert.Equal(SyntheticPopulation.Generate(9000, 5), SyntheticPopulation.Generate(9000, 5));
        Assert.Equal(SyntheticPopulation.Generate(9000, 5), SyntheticPopulation.GenerateArray(9000, 5));
        Assert.NotEqual(SyntheticPopulation.Generate(50, 5).Select(p => p.Nir), SyntheticPopulation.Generate(50, 6).Select(p => p.Nir));
    }

    [Fact]
    public void Generate_Nirs_HaveValidKeysAgreeingWithSexBirthYearAndMonth()
    {
        foreach (var p in People)
        {
            Assert.Equal(15, p.Nir.Length);
            // The product's own NIR normalizer accepts every one: the key is right.
            Assert.Equal(p.Nir[..13], NirNormalizer.Body(p.Nir));
            Assert.Equal(p.Sex == 'F' ? '2' : '1', p.Nir[0]);
            Assert.Equal(p.BirthDate.Year % 100, int.Parse(p.Nir.AsSpan(1, 2), CultureInfo.InvariantCulture));
            Assert.Equal(p.BirthDate.Month, int.Parse(p.Nir.AsSpan(3, 2), CultureInfo.InvariantCulture));
        }
        Assert.Contains(People, p => p.Nir[5..7] == "2A");
        Assert.Contains(People, p => p.Nir[5..7] == "2B");
        Assert.Contains(People, p => p.Nir[5..7] == "99");
        Assert.DoesNotContain(People, p => p.Nir[5..7] is "2A" or "2B" && p.BirthDate.Year < 1976);
    }

    [Fact]
    public void Nir_Key_CorsicaCountsAs19And18()
    {
        // 1 85 05 2A 004 123: with 2A read as 19, the body is 1850519004123.
        Assert.Equal(97 - (int)(1850519004123L % 97), Nir.Key("185052A004123"));
        Assert.Equal(97 - (int)(1850518004123L % 97), Nir.Key("185052B004123"));
    }

    [Fact]
    public void Generate_Names_AreRealisticallyDistributed()
    {
        var surnames = People.GroupBy(p => SyntheticPopulation.StripAccents(p.BirthName)).OrderByDescending(g => g.Count()).ToList();
        Assert.Contains("MARTIN", surnames.Take(5).Select(g => g.Key));
        Assert.Contains("BERNARD", surnames.Take(8).Select(g => g.Key));
        Assert.InRange(surnames[0].Count() / (double)People.Length, 0.004, 0.02); // common, but about half a percent
        Assert.True(surnames.Count > 1500, $"{surnames.Count} distinct surnames");
        Assert.True(SyntheticPopulation.SurnameCount >= 2500, $"{SyntheticPopulation.SurnameCount} surnames in the pool");
        Assert.Contains(People, p => p.BirthName.Contains('\'', StringComparison.Ordinal));
        Assert.Contains(People, p => p.BirthName.StartsWith("DE LA ", StringComparison.Ordinal));
        Assert.Contains(People, p => p.BirthName.Contains('-', StringComparison.Ordinal));
        Assert.Contains(People, p => p.BirthName.Any(c => c > 0x7F));
        Assert.Contains(People, p => p.FirstNames.Contains('-', StringComparison.Ordinal));
        Assert.Contains(People, p => p.FirstNames.Contains(' ', StringComparison.Ordinal));
        Assert.All(People.Where(p => p.UsageName is not null), p => Assert.Equal('F', p.Sex));
        var married = People.Count(p => p.UsageName is not null) / (double)People.Count(p => p.Sex == 'F');
        Assert.InRange(married, 0.25, 0.6);
        Assert.Equal(People.Length, People.Select(p => p.Ipp).Distinct().Count());
    }

    [Fact]
    public void LabExportWriter_Windows1252_WritesTheLabHeaderAndOneLinePerPatient()
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, LabExportWriter.Windows1252, leaveOpen: true))
        {
            LabExportWriter.Write(writer, People.Take(100));
        }
        var text = LabExportWriter.Windows1252.GetString(buffer.ToArray());
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("IPP;NOM_NAISSANCE;NOM_USAGE;PRENOMS;SEXE;DATE_NAISSANCE;LIEU_NAISSANCE;NIR;TELEPHONE;EMAIL;ADRESSE;CODE_POSTAL;VILLE", lines[0]);
        Assert.Equal(101, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Equal(13, l.Split(';').Length));
        Assert.Equal(People[0].BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), lines[1].Split(';')[5]);
        // Every character had a place in Windows-1252: none was replaced by '?'.
        Assert.DoesNotContain('?', text);
        Assert.Contains(People.Take(100), p => (p.BirthName + p.City + p.FirstNames).Any(c => c > 0x7F));
    }
}
