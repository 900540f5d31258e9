package seed

import (
	"context"

	"hms/store/catalog"
)

// gst is the 18% GST charged on the few non-clinical items; healthcare services are exempt.
const gst = 1800

// demoService is a price-list line with its opening price in paise.
type demoService struct {
	catalog.Service
	amount int64
}

func svc(cat, code, name string, amount int64) demoService {
	return demoService{Service: catalog.Service{Code: code, Name: name, Category: cat}, amount: amount}
}

func taxed(s demoService, bp int64) demoService { s.TaxBP = bp; return s }

// demoPrices is the opening price list, typical of an Indian private multi-specialty hospital.
var demoPrices = []demoService{
	svc(catalog.CatConsultation, "CONS-MED", "Consultation – General Medicine", rupees(600)),
	svc(catalog.CatConsultation, "CONS-SURG", "Consultation – General Surgery", rupees(700)),
	svc(catalog.CatConsultation, "CONS-PAED", "Consultation – Paediatrics", rupees(600)),
	svc(catalog.CatConsultation, "CONS-OBG", "Consultation – Obstetrics & Gynaecology", rupees(700)),
	svc(catalog.CatConsultation, "CONS-ORTHO", "Consultation – Orthopaedics", rupees(700)),
	svc(catalog.CatConsultation, "CONS-CARD", "Consultation – Cardiology", rupees(1000)),
	svc(catalog.CatConsultation, "CONS-ER", "Emergency consultation", rupees(800)),
	svc(catalog.CatConsultation, "CONS-FU", "Follow-up consultation (within 7 days)", rupees(300)),

	svc(catalog.CatBed, "BED-GEN", "General ward bed (per day)", rupees(1500)),
	svc(catalog.CatBed, "BED-ICU", "ICU bed (per day)", rupees(9000)),
	svc(catalog.CatBed, "BED-PVT", "Private room (per day)", rupees(4500)),

	svc(catalog.CatProcedure, "PROC-DRESS-S", "Dressing – small wound", rupees(250)),
	svc(catalog.CatProcedure, "PROC-DRESS-L", "Dressing – large wound", rupees(500)),
	svc(catalog.CatProcedure, "PROC-SUTURE", "Suturing of laceration (up to 5 cm)", rupees(800)),
	svc(catalog.CatProcedure, "PROC-NEB", "Nebulisation (per session)", rupees(150)),
	svc(catalog.CatProcedure, "PROC-ECG", "ECG – 12 lead", rupees(300)),
	svc(catalog.CatProcedure, "PROC-ECHO", "2D echocardiography", rupees(2000)),
	svc(catalog.CatProcedure, "PROC-TMT", "Treadmill stress test", rupees(2500)),
	svc(catalog.CatProcedure, "PROC-CAST-BK", "Plaster cast – below knee", rupees(1500)),
	svc(catalog.CatProcedure, "PROC-CAST-AE", "Plaster cast – above elbow", rupees(1200)),
	svc(catalog.CatProcedure, "PROC-IVCAN", "IV cannulation", rupees(200)),
	svc(catalog.CatProcedure, "PROC-INJ", "Injection administration (IM/IV)", rupees(100)),
	svc(catalog.CatProcedure, "PROC-CATH", "Urinary catheterisation", rupees(500)),
	svc(catalog.CatProcedure, "PROC-RT", "Ryle's tube insertion", rupees(400)),

	svc(catalog.CatLab, "LAB-CBC", "Complete blood count (CBC)", rupees(350)),
	svc(catalog.CatLab, "LAB-HB", "Haemoglobin", rupees(100)),
	svc(catalog.CatLab, "LAB-RFT", "Renal function test (RFT)", rupees(700)),
	svc(catalog.CatLab, "LAB-CREAT", "Serum creatinine", rupees(200)),
	svc(catalog.CatLab, "LAB-LFT", "Liver function test (LFT)", rupees(750)),
	svc(catalog.CatLab, "LAB-LIPID", "Lipid profile", rupees(600)),
	svc(catalog.CatLab, "LAB-ELEC", "Serum electrolytes (Na, K, Cl)", rupees(500)),
	svc(catalog.CatLab, "LAB-HBA1C", "Glycated haemoglobin (HbA1c)", rupees(550)),
	svc(catalog.CatLab, "LAB-GLU-F", "Blood glucose – fasting", rupees(100)),
	svc(catalog.CatLab, "LAB-GLU-PP", "Blood glucose – post-prandial", rupees(100)),
	svc(catalog.CatLab, "LAB-GLU-R", "Blood glucose – random", rupees(100)),
	svc(catalog.CatLab, "LAB-TSH", "Thyroid stimulating hormone (TSH)", rupees(400)),
	svc(catalog.CatLab, "LAB-URINE", "Urine routine examination", rupees(200)),

	svc(catalog.CatRadiology, "RAD-XR-CHEST", "X-ray chest PA view", rupees(400)),
	svc(catalog.CatRadiology, "RAD-XR-LIMB", "X-ray extremity (2 views)", rupees(600)),
	svc(catalog.CatRadiology, "RAD-USG-ABD", "Ultrasound abdomen & pelvis", rupees(1200)),
	svc(catalog.CatRadiology, "RAD-USG-OBS", "Obstetric ultrasound", rupees(1200)),
	svc(catalog.CatRadiology, "RAD-CT-HEAD", "CT head – plain", rupees(2500)),
	svc(catalog.CatRadiology, "RAD-MRI-BRAIN", "MRI brain – plain", rupees(6500)),
	svc(catalog.CatRadiology, "RAD-MRI-KNEE", "MRI knee – plain", rupees(5500)),

	svc(catalog.CatOT, "OT-MINOR", "Minor OT charge", rupees(3000)),
	svc(catalog.CatOT, "OT-MAJOR-HR", "Major OT charge (per hour)", rupees(8000)),
	svc(catalog.CatOT, "OT-ANAES-GA", "General anaesthesia (per hour)", rupees(5000)),
	svc(catalog.CatOT, "OT-ANAES-SA", "Spinal anaesthesia", rupees(4000)),
	svc(catalog.CatOT, "OT-ANAES-LA", "Local anaesthesia with monitoring", rupees(1000)),

	svc(catalog.CatMisc, "REG", "Registration fee", rupees(100)),
	svc(catalog.CatMisc, "AMB-CITY", "Ambulance – within city", rupees(1500)),
	taxed(svc(catalog.CatMisc, "MRD-COPY", "Medical records copy (per set)", rupees(200)), gst),
	taxed(svc(catalog.CatMisc, "MISC-DUPBILL", "Duplicate bill or receipt", rupees(50)), gst),
	taxed(svc(catalog.CatMisc, "MISC-TPA-DOC", "Insurance/TPA documentation charge", rupees(500)), gst),
}

func prices(ctx context.Context, cat *catalog.Catalog) (int, error) {
	for _, s := range demoPrices {
		if err := put("service", s.Code, cat.AddService(ctx, s.Service, s.amount, priceFrom, by)); err != nil {
			return 0, err
		}
	}
	return len(demoPrices), nil
}
