# Topics 25-32: high-purity alumina, potline gas, conductors, melting furnaces, AM, process
# control, alumina-based ceramics for batteries, hydrogen from aluminium.
from common import C, N, topic

topic(25, "high-purity alumina")
C("hpa-1", "zh", "高纯氧化铝制备及锂电池隔膜涂覆应用",
  "以硫酸铝铵热解和醇盐水解法制备4N-5N高纯氧化铝，粒度D50 0.5-1微米，用于锂电池隔膜陶瓷涂层和正极包覆。",
  "高纯氧化铝|隔膜涂覆|勃姆石|锂电池", 6)
C("hpa-2", "en", "Boehmite and high-purity alumina for battery separators",
  "Hydrothermal synthesis of boehmite with narrow particle size for ceramic-coated separators; dispersion and slurry formulation with binders.",
  "boehmite|separator coating|high-purity alumina", 7)
C("hpa-3", "en", "Sapphire crystal growth from high-purity alumina",
  "Kyropoulos growth of sapphire boules for LED substrates and optical windows from 5N alumina crackle.",
  "sapphire|crystal growth|5N alumina", 8)
C("hpa-4", "zh", "锂电池隔膜湿法拉伸工艺",
  "聚乙烯湿法隔膜的挤出、双向拉伸和萃取工艺，控制孔隙率和热收缩。",
  "隔膜|湿法拉伸|聚乙烯", 8)
N("n49", "en", "Move into high-purity alumina for batteries",
  "As an alumina refiner we want to make 4N alumina or boehmite for separator coatings and need a route and product specification that battery makers accept.",
  "high-purity alumina|boehmite|separator coating", 5,
  {"hpa-1": 3, "hpa-2": 3, "hpa-3": 1, "hpa-4": 1})
N("n50", "zh", "5N氧化铝用于蓝宝石长晶",
  "我们希望为蓝宝石长晶企业提供5N高纯氧化铝，需要提纯工艺与杂质检测方法。",
  "5N氧化铝|蓝宝石|提纯", 5,
  {"hpa-3": 3, "hpa-1": 2, "hpa-2": 1})

topic(26, "potline fume and fluoride")
C("fl-1", "zh", "电解烟气干法净化与氟化物回收",
  "以氧化铝为吸附剂的电解烟气干法净化系统优化，氟化物排放低于1 mg/m3，载氟氧化铝返回电解槽。",
  "电解烟气|干法净化|氟化物|载氟氧化铝", 8)
C("fl-2", "en", "SO2 scrubbing of potline gas with seawater or alkali",
  "Wet scrubbers downstream of dry scrubbers remove sulphur dioxide from aluminium smelter exhaust; seawater and sodium-based options compared.",
  "SO2 scrubbing|potline gas|smelter emissions", 7)
C("fl-3", "zh", "玻璃窑炉烟气脱硝除尘一体化",
  "针对浮法玻璃窑炉烟气，开发陶瓷滤管脱硝除尘一体化技术。",
  "玻璃窑炉|脱硝|陶瓷滤管", 8)
C("fl-4", "en", "Fluoride removal from phosphate fertiliser plant off-gas",
  "Recovery of fluosilicic acid from off-gas of phosphoric acid and fertiliser plants.",
  "fluoride|phosphate fertiliser|fluosilicic acid", 8)
N("n51", "en", "Fluoride emissions from our potrooms",
  "Roof and stack fluoride emissions of our smelter are near the permit limit. We want to optimise the dry scrubbers and reduce fugitive fluoride.",
  "fluoride emissions|dry scrubber|potroom", 8,
  {"fl-1": 3, "fl-2": 2, "fl-4": 1, "fl-3": 0})
N("n52", "zh", "电解铝烟气二氧化硫超低排放",
  "电解铝烟气SO2浓度低、风量大，需要达到超低排放要求，寻求脱硫技术。",
  "电解铝|二氧化硫|脱硫|超低排放", 7,
  {"fl-2": 3, "fl-1": 2, "fl-3": 1})

topic(27, "conductor alloys")
C("cd-1", "en", "High-conductivity aluminium alloys for overhead conductors",
  "Al-Zr heat-resistant and Al-Mg-Si high-strength conductor alloys with 61-62 % IACS; rod casting, drawing and ageing practice.",
  "conductor alloy|IACS|Al-Zr|overhead line", 7)
C("cd-2", "zh", "新能源汽车用铝导体线束与铜铝连接",
  "开发汽车线束用铝合金导线和铜铝过渡端子，解决电化学腐蚀和蠕变松弛问题。",
  "铝导线|线束|铜铝连接", 6)
C("cd-3", "zh", "铜包铝复合线材",
  "铜包铝线的包覆焊接拉拔工艺，用于同轴电缆内导体。",
  "铜包铝|复合线材", 8)
N("n53", "zh", "耐热铝合金导线研发",
  "我公司生产架空导线铝杆，希望开发导电率61% IACS以上的耐热铝合金，并优化连铸连轧和时效工艺。",
  "耐热铝合金|导线|导电率", 6,
  {"cd-1": 3, "cd-3": 1, "cd-2": 1})
N("n54", "en", "Aluminium wiring harness for electric vehicles",
  "An automotive supplier wants to replace copper with aluminium cables in the harness and needs reliable terminals that resist galvanic corrosion.",
  "aluminium cable|wiring harness|terminals", 6,
  {"cd-2": 3, "cd-3": 1, "cd-1": 1, "wd-4": 1})

topic(28, "melting furnaces")
C("mf-1", "zh", "熔铝炉蓄热式燃烧与节能改造",
  "针对圆形和矩形熔铝炉，采用蓄热式烧嘴、炉压控制和电磁搅拌，吨铝天然气消耗降低30%。",
  "熔铝炉|蓄热式燃烧|电磁搅拌|节能", 8)
C("mf-2", "en", "Oxy-fuel burners for aluminium melting furnaces",
  "Oxy-fuel and flameless combustion in reverberatory and rotary aluminium furnaces cuts fuel use and NOx; includes refractory life assessment.",
  "oxy-fuel|aluminium melting|reverberatory furnace|NOx", 7)
C("mf-3", "zh", "玻璃熔窑全氧燃烧技术",
  "浮法和日用玻璃熔窑全氧燃烧改造，降低能耗和氮氧化物排放，延长窑炉寿命。",
  "玻璃熔窑|全氧燃烧", 8)
C("mf-4", "en", "Regenerative burners for steel reheating furnaces",
  "High-temperature air combustion in walking-beam reheating furnaces of hot strip mills.",
  "reheating furnace|regenerative burner|steel", 9)
C("mf-5", "en", "Electromagnetic stirring of aluminium melts",
  "Permanent-magnet and induction stirrers for melting furnaces speed up melting, homogenise temperature and reduce dross.",
  "electromagnetic stirring|melting furnace|dross reduction", 8)
N("n55", "en", "Gas consumption of our melting furnaces",
  "Our six 40 t melting furnaces use 85 m3 of natural gas per tonne of aluminium. We want burner retrofits, stirring or other measures to cut energy and dross.",
  "melting furnace|natural gas|burner retrofit", 8,
  {"mf-1": 3, "mf-2": 3, "mf-5": 3, "mf-3": 1, "mf-4": 1})
N("n56", "zh", "熔铝炉改全氧燃烧可行性",
  "想评估熔铝炉采用全氧燃烧的节能效果、氮氧化物排放和耐火材料寿命影响。",
  "熔铝炉|全氧燃烧|耐火材料", 6,
  {"mf-2": 3, "mf-1": 2, "mf-3": 1, "mf-4": 1})

topic(29, "additive manufacturing")
C("am-1", "en", "Aluminium alloy powders for laser powder-bed fusion",
  "Gas-atomised AlSi10Mg and Sc-modified high-strength powders, printability studies and heat treatment for lightweight parts.",
  "aluminium powder|LPBF|AlSi10Mg|3D printing", 6)
C("am-2", "zh", "铝合金电弧增材制造大型构件",
  "基于冷金属过渡的铝合金电弧增材制造技术，用于航天大型环件和框架，控制气孔和各向异性。",
  "电弧增材|铝合金|WAAM|大型构件", 5)
C("am-3", "zh", "钛合金激光选区熔化打印",
  "TC4钛合金医疗植入物和航空零件的选区激光熔化工艺与后处理。",
  "钛合金|选区激光熔化|3D打印", 7)
N("n57", "zh", "铝合金3D打印粉末开发",
  "我公司具备雾化制粉设备，希望开发适用于激光选区熔化的高强铝合金粉末并验证打印性能。",
  "铝合金粉末|3D打印|激光选区熔化", 5,
  {"am-1": 3, "am-2": 1, "am-3": 1})
N("n58", "en", "Printing large aluminium frames by wire arc",
  "We need meter-scale aluminium frames in small batches and consider wire arc additive manufacturing instead of machining from plate.",
  "WAAM|wire arc|aluminium frames", 5,
  {"am-2": 3, "am-1": 1, "wd-2": 1})

topic(30, "potline process control and data")
C("pc-1", "zh", "铝电解槽况智能诊断与下料控制",
  "融合槽电压、阳极电流和电解质分析数据的槽况智能诊断系统，基于模型预测的氧化铝浓度控制，降低效应和电耗。",
  "铝电解|智能诊断|下料控制|氧化铝浓度", 7)
C("pc-2", "en", "Soft sensors for bath temperature and alumina concentration",
  "Machine-learning soft sensors estimate bath temperature, superheat and alumina concentration in reduction cells from routine signals.",
  "soft sensor|superheat|alumina concentration|machine learning", 5)
C("pc-3", "zh", "化工装置先进过程控制APC",
  "炼油和化工装置多变量预测控制，提高收率并降低能耗。",
  "先进过程控制|多变量预测控制|化工装置", 9)
C("pc-4", "en", "Predictive maintenance of rotating machinery",
  "Vibration analysis and machine learning predict bearing and gearbox failures of pumps, fans and compressors.",
  "predictive maintenance|vibration|rotating machinery", 8)
N("n59", "en", "Data-driven control of our reduction cells",
  "We collect pot voltage and feeding data every second but control is still rule-based. We want a model that estimates alumina concentration and superheat and adjusts feeding.",
  "alumina feeding|superheat|data-driven control", 6,
  {"pc-2": 3, "pc-1": 3, "ae-1": 2, "pc-3": 1, "pc-4": 0})
N("n60", "zh", "电解车间风机和多功能天车预测性维护",
  "电解车间多功能天车和排烟风机故障停机影响生产，希望建立振动监测和预测性维护系统。",
  "预测性维护|天车|风机|振动监测", 7,
  {"pc-4": 3, "pc-1": 1, "pc-3": 1})

topic(31, "aluminium for hydrogen and energy storage")
C("hy-1", "en", "Hydrogen generation from aluminium-water reaction",
  "Activated aluminium alloys (Ga-In-Sn) and scrap powders react with water to release hydrogen on demand for portable fuel cells.",
  "hydrogen generation|aluminium-water reaction|activated aluminium", 4)
C("hy-2", "zh", "高压储氢气瓶铝合金内胆",
  "III型储氢气瓶6061铝合金内胆旋压成形、热处理与疲劳性能评价。",
  "储氢气瓶|铝内胆|6061|旋压", 6)
C("hy-3", "zh", "质子交换膜燃料电池金属双极板涂层",
  "不锈钢和钛双极板表面导电耐蚀涂层，用于氢燃料电池汽车。",
  "燃料电池|双极板|涂层", 6)
C("hy-4", "en", "Alkaline water electrolysis for green hydrogen",
  "Nickel-based electrodes and diaphragms for alkaline electrolysers at 500 mA/cm2.",
  "alkaline electrolysis|green hydrogen|electrodes", 6)
C("hy-5", "zh", "铝空气电池阳极材料",
  "开发低析氢腐蚀的铝合金阳极和电解液添加剂，用于铝空气电池备用电源。",
  "铝空气电池|铝阳极|析氢腐蚀", 4)
N("n61", "zh", "铝合金储氢瓶内胆",
  "我公司生产6061铝管，希望进入车载储氢瓶内胆市场，需要旋压成形和疲劳验证技术。",
  "储氢瓶|内胆|6061铝合金", 6,
  {"hy-2": 3, "hy-1": 1, "hy-3": 0, "hy-4": 0})
N("n62", "en", "Using aluminium scrap to make hydrogen",
  "We have fine aluminium swarf and powder waste and wonder whether it can produce hydrogen with water, or serve as anode material for metal-air batteries.",
  "aluminium scrap|hydrogen production|metal-air battery", 4,
  {"hy-1": 3, "hy-5": 2, "hy-4": 0})

topic(32, "aluminium fly ash and coal gangue")
C("fa-1", "zh", "高铝粉煤灰提取氧化铝",
  "采用预脱硅-碱石灰烧结法从高铝粉煤灰中提取氧化铝，残渣制备硅钙肥和建材。",
  "高铝粉煤灰|提取氧化铝|碱石灰烧结", 6)
C("fa-2", "en", "Acid leaching of alumina from coal fly ash",
  "Hydrochloric acid leaching and crystallisation of aluminium chloride hexahydrate from high-alumina fly ash, with acid regeneration.",
  "coal fly ash|acid leaching|alumina extraction", 5)
C("fa-3", "zh", "粉煤灰蒸压加气混凝土砌块",
  "以粉煤灰为硅质原料生产蒸压加气混凝土砌块。",
  "粉煤灰|加气混凝土", 9)
N("n63", "en", "Alumina from high-alumina fly ash",
  "A coal power group near us has high-alumina fly ash with 45 % Al2O3 and asks whether we could extract alumina from it for our smelter.",
  "fly ash|alumina extraction", 5,
  {"fa-1": 3, "fa-2": 3, "fa-3": 1, "by-1": 1})
N("n64", "zh", "粉煤灰提铝残渣利用",
  "酸法粉煤灰提铝后的硅质残渣量大，希望开发利用途径，如建材或硅产品。",
  "粉煤灰|提铝残渣|综合利用", 4,
  {"fa-2": 2, "fa-1": 2, "fa-3": 2, "rm-b2": 1})
