using System.Globalization;
using System.Text;

namespace LeakWatch.Synthetic.Dumps;

/// <summary>
/// Free-text comments as lab staff type them: 4 to 16 words of French medical vocabulary, sometimes a value with its
/// unit or a date. Random sequences, so nearly every comment of a dump is unique, and runs of words never recur.
/// </summary>
public static class MedicalComments
{
    private static readonly string[] Words =
    [
        "patient", "patiente", "prelevement", "hemolyse", "lipemique", "ictérique", "a", "jeun", "non", "controle", "controler",
        "refaire", "demande", "medecin", "prescripteur", "appel", "rappel", "resultat", "anormal", "normal", "elevé", "bas",
        "glycemie", "cholesterol", "triglycerides", "creatinine", "uree", "potassium", "sodium", "calcium", "ferritine",
        "hemoglobine", "plaquettes", "leucocytes", "lymphocytes", "neutrophiles", "serologie", "vih", "hepatite", "toxoplasmose",
        "rubeole", "grossesse", "traitement", "anticoagulant", "antivitamine", "insuline", "metformine", "antibiotique",
        "sous", "depuis", "avant", "apres", "le", "la", "les", "du", "de", "des", "et", "ou", "pour", "avec", "sans", "sur",
        "tube", "sec", "citrate", "edta", "heparine", "centrifuge", "congele", "transmis", "sous-traitance", "urgent", "urines",
        "echantillon", "insuffisant", "coagule", "identite", "verifiee", "etiquette", "absente", "ordonnance", "manquante",
        "bilan", "hepatique", "renal", "thyroidien", "lipidique", "martial", "inflammatoire", "infectieux", "fievre", "douleur",
        "abdominale", "fatigue", "amaigrissement", "suivi", "diabete", "hypertension", "chimiotherapie", "greffe", "dialyse",
        "valide", "biologiste", "interpretation", "prudente", "contexte", "clinique", "compatible", "infection", "recente",
        "ancienne", "immunite", "acquise", "absence", "presence", "anticorps", "antigene", "charge", "virale", "indetectable",
    ];

    private static readonly string[] Units = ["g/l", "mmol/l", "g/dl", "ui/l", "mg/l", "%", "giga/l"];

    public static string Write(Random random)
    {
        var text = new StringBuilder(120);
        var count = random.Next(4, 17);
        for (var w = 0; w < count; w++)
        {
            if (w > 0) text.Append(random.Next(8) == 0 ? ", " : " ");
            switch (random.Next(20))
            {
                case 0:
                    text.Append((random.Next(1, 2000) / 10.0).ToString("0.0", CultureInfo.InvariantCulture)).Append(' ').Append(Units[random.Next(Units.Length)]);
                    break;
                case 1:
                    text.Append(new DateOnly(2020, 1, 1).AddDays(random.Next(500)).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(Words[random.Next(Words.Length)]);
                    break;
            }
        }
        return text.ToString();
    }
}
