# Topics 1-8: red mud, bauxite and alumina, electrolysis.
# C(id, lang, title, description, keywords separated by |, trl)
# N(id, lang, title, description, keywords, trl, {capability id: grade})
# Grades: 3 solves the need, 2 strongly related, 1 near miss (same material, other problem).
from common import C, N, topic

topic(1, "red mud dealkalization and building materials")
C("rm-b1", "en", "Dealkalization of bauxite residue with lime and CO2 for cement use",
  "Lime conversion followed by carbonation with flue-gas CO2 lowers the Na2O of Bayer residue to below 1 %, so the treated residue can be blended into Portland cement raw meal. Tested on 2 t batches from three refineries.",
  "bauxite residue|dealkalization|carbonation|cement raw meal", 5)
C("rm-b2", "zh", "赤泥大掺量免烧砖及路基材料成套技术",
  "以拜耳法赤泥为主料，复配粉煤灰、脱硫石膏和少量水泥，常温养护制备免烧砖和道路基层材料，赤泥掺量45%以上，强度和放射性指标满足国家标准，已建成年产5000万块示范线。",
  "赤泥|免烧砖|路基材料|固废建材", 7)
C("rm-b3", "en", "Geopolymer binders from red mud and slag",
  "Alkali-activated geopolymer mortars that use the residual alkali of red mud as part of the activator, combined with ground granulated slag. Compressive strength 40-55 MPa, leaching of Na and heavy metals within limits.",
  "geopolymer|red mud|alkali activation|mortar", 4)
C("rm-b4", "zh", "赤泥陶粒与轻质建材烧结工艺",
  "利用赤泥与页岩、污泥混合造粒，回转窑1150℃烧结制备轻质陶粒，堆积密度500-800 kg/m3，可用于轻骨料混凝土和园林填料。",
  "赤泥陶粒|烧结|轻骨料", 5)
C("rm-b5", "zh", "赤泥海水中和与堆场碱性控制",
  "采用海水或含镁卤水中和赤泥附液碱性，形成水滑石类沉淀，降低pH至9以下，减少堆场返碱和扬尘，为后续建材化利用和生态修复创造条件。",
  "赤泥中和|海水|返碱控制", 4)
N("n01", "zh", "赤泥制水泥需要先脱碱",
  "我公司氧化铝厂年产赤泥200万吨，附近水泥厂愿意消纳，但赤泥中氧化钠含量约8%，超出水泥生料对碱含量的要求。寻求经济可行的赤泥脱碱工艺，处理后Na2O低于1%，并能与水泥生产衔接，具备中试条件。",
  "赤泥脱碱|水泥|氧化钠", 6,
  {"rm-b1": 3, "rm-b5": 2, "rm-b3": 1, "rm-b2": 1, "rm-b4": 1, "rm-i1": 1, "rm-i2": 1})
N("n02", "en", "Large-volume use of red mud in construction products",
  "Our refinery stores over 20 million tonnes of bauxite residue. We want a partner for building products that take at least 40 % residue (bricks, road base, aggregates) and meet national standards, ideally proven on a demonstration line.",
  "red mud|bricks|road base|building materials", 7,
  {"rm-b2": 3, "rm-b4": 3, "rm-b3": 2, "rm-b1": 2, "rm-b5": 1, "rm-i1": 1, "rm-s1": 1})

topic(2, "red mud iron recovery")
C("rm-i1", "zh", "赤泥还原焙烧-磁选回收铁精矿",
  "针对高铁拜耳法赤泥，采用煤基还原焙烧结合弱磁选，获得铁品位58%以上、回收率85%的铁精矿，尾渣可进一步用于建材。已完成5吨/天中试。",
  "赤泥选铁|还原焙烧|磁选|铁精矿", 6)
C("rm-i2", "en", "High-gradient magnetic separation of iron from bauxite residue",
  "Direct high-gradient magnetic separation of hematite and goethite from fine residue without roasting; concentrate with 50-55 % Fe at low energy use, suitable for sintering plants.",
  "bauxite residue|iron concentrate|magnetic separation", 5)
C("rm-i3", "en", "Smelting reduction of red mud to pig iron and a slag for cement",
  "Electric arc smelting of red mud with carbon gives pig iron and a calcium-aluminate slag that can be leached for alumina or used as cement clinker. Laboratory scale, 50 kg heats.",
  "red mud|smelting reduction|pig iron|slag", 3)
C("rm-i4", "zh", "钢渣热闷与磁选回收金属铁",
  "钢厂转炉钢渣经热闷处理后破碎、多级磁选回收渣钢和磁性铁粉，尾渣用于钢渣微粉。",
  "钢渣|磁选|渣钢回收", 8)
N("n03", "en", "Recover iron from our bauxite residue",
  "The residue from our Bayer refinery contains 35-40 % Fe2O3. We are looking for a process to recover an iron concentrate that a steel plant will accept, with a pilot trial on our material and an estimate of the cost per tonne.",
  "iron recovery|bauxite residue|Fe2O3", 6,
  {"rm-i1": 3, "rm-i2": 3, "rm-i3": 2, "rm-b2": 1, "rm-b1": 1, "rm-s1": 1, "rm-i4": 1})
N("n04", "zh", "赤泥提铁后尾渣怎么用",
  "我们计划对赤泥进行选铁，希望合作方同时解决选铁尾渣的出路，例如制备水泥熟料或建材，实现赤泥全量化利用。",
  "赤泥提铁|尾渣|全量化利用", 5,
  {"rm-i3": 3, "rm-i1": 2, "rm-b2": 2, "rm-b4": 2, "rm-i2": 1, "rm-b1": 1})

topic(3, "scandium and rare earths from red mud")
C("rm-s1", "zh", "赤泥中钪的酸浸-萃取回收",
  "针对氧化铝厂赤泥开展盐酸/硫酸浸出、P204/TBP协同萃取提钪研究，实验室已获得纯度99.9%的氧化钪，钪回收率超过75%，同步回收稀土元素。",
  "钪|赤泥|溶剂萃取|氧化钪", 4)
C("rm-s2", "en", "Scandium oxide purification and Al-Sc master alloy",
  "We refine crude scandium concentrates to 99.99 % Sc2O3 and produce Al-2Sc master alloy by aluminothermic reduction in a fluoride melt; the master alloy is used for weldable high-strength aluminium alloys.",
  "scandium oxide|Al-Sc master alloy|aluminothermic reduction", 5)
C("rm-s3", "en", "Recovery of rare earth elements from industrial residues by ion exchange",
  "Selective ion-exchange resins and membrane processes recover rare earth elements from leach liquors of slags, phosphogypsum and residues at low concentrations.",
  "rare earth elements|ion exchange|leach liquor", 4)
C("rm-s4", "zh", "铝钪合金的组织调控与焊接性能",
  "研究微量钪、锆复合添加对5xxx和7xxx铝合金再结晶、焊接热裂和强度的影响，开发适用于船舶和航空的铝钪合金板材。",
  "铝钪合金|微合金化|焊接", 5)
N("n05", "en", "Extracting scandium from bauxite residue",
  "Our residue contains about 100 g/t scandium. We want to evaluate whether leaching and solvent extraction can produce a saleable scandium oxide, and need a lab study with recovery and reagent consumption figures.",
  "scandium|bauxite residue|leaching|solvent extraction", 4,
  {"rm-s1": 3, "rm-s3": 2, "rm-s2": 2, "rm-s4": 1, "rm-i1": 1, "rm-b1": 1})
N("n06", "zh", "开发铝钪合金产品",
  "我公司拟进入高端铝合金市场，开发含钪的高强可焊铝合金，需要合作方提供钪中间合金制备和合金成分设计、焊接评价。",
  "钪|铝钪合金|中间合金", 5,
  {"rm-s2": 3, "rm-s4": 3, "rm-s1": 1})

topic(4, "residue dewatering and dry stacking")
C("rd-1", "zh", "赤泥压滤干堆与堆场稳定性监测",
  "采用高压隔膜压滤将赤泥含水率降至28%以下实现干法堆存，配套堆场边坡稳定性监测与渗滤液收集系统设计。",
  "赤泥干堆|压滤|堆场监测", 7)
C("rd-2", "en", "Flocculant selection and thickener optimization for Bayer residue",
  "Lab and plant testing of polyacrylate and hydroxamate flocculants for residue thickeners and washers; improves underflow density and overflow clarity, reduces soluble soda loss.",
  "flocculant|thickener|residue washing|Bayer", 7)
C("rd-3", "en", "Tailings dam safety monitoring with InSAR and piezometers",
  "Remote sensing and in-situ sensors for tailings storage facilities of mines: deformation, pore pressure and seepage, with early warning.",
  "tailings dam|InSAR|monitoring", 8)
C("rd-4", "zh", "尾矿库在线监测与溃坝预警",
  "面向金属矿山尾矿库的浸润线、位移和降雨在线监测系统及溃坝风险评估模型。",
  "尾矿库|在线监测|溃坝预警", 8)
N("n07", "zh", "赤泥堆场改干法堆存",
  "现有湿法赤泥库容接近饱和，计划改为干法堆存。需要赤泥脱水压滤设备选型、沉降洗涤絮凝剂优化以及堆场安全监测方案。",
  "赤泥|干法堆存|压滤|絮凝剂", 6,
  {"rd-1": 3, "rd-2": 3, "rd-3": 2, "rd-4": 2, "rm-b5": 1, "rm-b2": 1})
N("n08", "en", "Residue washer train loses too much caustic",
  "Soda losses in our residue washing circuit are 45 kg per tonne of alumina. We want to improve thickener underflow density and washing efficiency, possibly with new flocculants.",
  "caustic soda loss|residue washing|flocculant", 7,
  {"rd-2": 3, "rd-1": 2, "rm-b5": 1})

topic(5, "Bayer digestion and low-grade bauxite")
C("by-1", "zh", "高硅铝土矿预脱硅与拜耳法溶出强化",
  "针对A/S低于5的一水硬铝石型铝土矿，开发浮选预脱硅和添加石灰强化溶出工艺，提高氧化铝溶出率3-5个百分点，降低碱耗。",
  "高硅铝土矿|预脱硅|拜耳法溶出|碱耗", 6)
C("by-2", "en", "Digestion modelling and scale control in Bayer refineries",
  "Thermodynamic and kinetic models of gibbsite/boehmite digestion, desilication product formation and heat-exchanger scaling; used to tune temperature, caustic concentration and lime addition.",
  "Bayer process|digestion|scaling|desilication product", 7)
C("by-3", "en", "Seed precipitation yield improvement for alumina refineries",
  "Crystal growth and agglomeration control in gibbsite precipitation: seed charge, cooling profile and additives to raise liquor productivity and coarsen the product.",
  "precipitation|gibbsite|liquor productivity", 6)
C("by-4", "zh", "离子膜烧碱盐水精制工艺",
  "氯碱企业离子膜电解前的一次盐水和二次盐水精制，去除钙镁硫酸根，延长离子膜寿命。",
  "烧碱|盐水精制|离子膜", 9)
C("by-5", "zh", "种分分解率提高与氢氧化铝粒度控制",
  "通过分解温度制度优化、晶种活化和添加剂，提高种分分解率，同时控制氢氧化铝粒度，减少细粒子比例。",
  "种分|分解率|氢氧化铝粒度", 7)
N("n09", "en", "Processing high-silica bauxite economically",
  "Imported bauxite is getting more expensive and local ore has an alumina-to-silica ratio of 4-5. We need ways to remove silica before digestion or to cut caustic losses so that this ore can be used in our Bayer plant.",
  "high-silica bauxite|desilication|caustic consumption", 6,
  {"by-1": 3, "by-2": 2, "by-3": 1, "by-5": 1, "rd-2": 1})
N("n10", "zh", "分解工序产能低、氢氧化铝偏细",
  "我厂种分分解率偏低，氢氧化铝产品细粒子多，影响焙烧后砂状氧化铝质量。希望优化分解工艺和晶种制度。",
  "种分分解|氢氧化铝|粒度", 7,
  {"by-3": 3, "by-5": 3, "by-2": 2, "by-1": 1})

topic(6, "alumina calcination energy")
C("ca-1", "zh", "氧化铝气态悬浮焙烧炉节能与余热回收",
  "对气态悬浮焙烧炉进行燃烧优化、烟气余热回收（预热物料和发电），焙烧热耗降至2.9 GJ/t以下。",
  "焙烧炉|余热回收|热耗|氧化铝", 7)
C("ca-2", "en", "CFD of fluidized-bed alumina calciners",
  "Computational fluid dynamics of stationary and circulating fluidized-bed calciners: gas-solid flow, burner placement and heat-transfer to reduce fuel use and fines generation.",
  "calciner|CFD|fluidized bed|fuel consumption", 5)
C("ca-3", "en", "Electric and hydrogen-fired calcination for low-carbon alumina",
  "Concepts and pilot tests for replacing natural gas in calcination with hydrogen burners or mechanical vapour recompression plus electric heating.",
  "low-carbon alumina|hydrogen burner|electric calcination", 3)
C("ca-4", "zh", "水泥回转窑余热发电系统",
  "针对新型干法水泥生产线窑头窑尾废气余热，设计纯低温余热发电系统，吨熟料发电35 kWh。",
  "水泥窑|余热发电", 9)
C("ca-5", "en", "Lime kiln energy efficiency audits",
  "Heat balances and burner retrofits for vertical and rotary lime kilns in steel and chemical plants.",
  "lime kiln|energy audit|burner", 8)
N("n11", "zh", "降低氧化铝焙烧能耗",
  "我公司两台焙烧炉热耗约3.2 GJ/t，希望通过燃烧优化、流场模拟和余热利用降低天然气消耗，并评估未来使用氢气燃烧的可能。",
  "焙烧|能耗|天然气|余热", 6,
  {"ca-1": 3, "ca-2": 3, "ca-3": 2, "ca-4": 1, "ca-5": 1})
N("n12", "en", "Decarbonising alumina calcination",
  "Calcination is our refinery's largest CO2 source after steam. We want to study hydrogen or electric heating of calciners and what it would cost.",
  "decarbonisation|calcination|hydrogen|electric heating", 3,
  {"ca-3": 3, "ca-1": 2, "ca-2": 2, "ca-5": 1})

topic(7, "anode effects and PFC emissions")
C("ae-1", "zh", "铝电解阳极效应预报与自动熄灭",
  "基于槽电压和电流分布信号的阳极效应早期预报模型，结合下料和极距调节自动熄灭，效应系数降至0.02次/槽·日，减少全氟化碳排放。",
  "阳极效应|全氟化碳|铝电解|槽控", 7)
C("ae-2", "en", "Measurement of PFC and low-voltage emissions from aluminium potlines",
  "FTIR and tunable laser monitoring of CF4 and C2F6 in potroom ducts, including low-voltage PFC emissions that anode effect counts miss; supports emission inventories.",
  "PFC|CF4|potline|emission monitoring", 6)
C("ae-3", "en", "Individual anode current monitoring for aluminium reduction cells",
  "Wireless Hall-effect sensors on anode rods measure each anode's current; the data localise feeding problems and anode effects in large prebake cells.",
  "anode current|sensors|reduction cell", 6)
C("ae-4", "zh", "锌电解槽阴极板自动剥离",
  "湿法炼锌电解车间阴极锌片的机械化剥离和极板矫平设备。",
  "锌电解|剥锌机|阴极板", 8)
C("ae-5", "en", "Water electrolysis stack diagnostics",
  "Voltage and impedance monitoring of PEM and alkaline electrolyser stacks for green hydrogen, detecting membrane and electrode degradation.",
  "water electrolysis|electrolyser|diagnostics|hydrogen", 6)
N("n13", "en", "Reduce anode effects in our smelter",
  "Our 400 kA potline averages 0.15 anode effects per pot-day and the PFC emissions count against our carbon quota. We look for early detection and automatic quenching, and for better measurement of the emissions.",
  "anode effect|PFC emissions|potline", 7,
  {"ae-1": 3, "ae-2": 3, "ae-3": 2, "ae-5": 0, "ae-4": 0})
N("n14", "zh", "电解槽阳极电流分布在线检测",
  "需要在大型预焙电解槽上在线测量每块阳极的电流，用于发现下料异常和阳极故障，要求传感器耐高温和强磁场。",
  "阳极电流|在线检测|电解槽", 6,
  {"ae-3": 3, "ae-1": 2, "ae-2": 1})

topic(8, "cell energy efficiency and lining life")
C("ce-1", "zh", "铝电解槽低电压高效节能技术",
  "通过异型阴极结构、低分子比电解质和磁流体稳定性优化，将吨铝直流电耗降至12500 kWh以下，已在500 kA槽系列应用。",
  "铝电解|节能|吨铝电耗|阴极结构", 8)
C("ce-2", "en", "Magnetohydrodynamic modelling of aluminium reduction cells",
  "Coupled electric, magnetic and flow models of large cells to predict metal-pad instability and busbar designs that allow lower anode-cathode distance.",
  "MHD|reduction cell|busbar|metal pad", 6)
C("ce-3", "en", "Cathode wear and potlining life extension",
  "Post-mortem autopsies of failed cells, graphitized cathode erosion studies and refractory barrier choice to extend cell life beyond 2500 days.",
  "cathode wear|potlining|cell life|refractory", 6)
C("ce-4", "zh", "电解槽内衬破损早期诊断",
  "基于槽壳温度场和阴极钢棒电流的内衬破损诊断方法，提前发现漏炉风险。",
  "内衬|漏槽|槽壳温度|诊断", 5)
C("ce-5", "en", "Copper electrorefining current efficiency",
  "Electrolyte additives and short-circuit detection for copper tankhouses to raise current efficiency.",
  "copper electrorefining|current efficiency|tankhouse", 8)
N("n15", "zh", "吨铝电耗偏高需要节能改造",
  "我公司400 kA电解系列吨铝直流电耗约13100 kWh，希望通过阴极结构改造、磁场优化等手段降低电压和电耗。",
  "电耗|铝电解|节能改造", 7,
  {"ce-1": 3, "ce-2": 3, "ce-3": 1, "ce-4": 1, "ae-1": 1, "ce-5": 0})
N("n16", "en", "Our pots fail early",
  "Average cell life in our smelter is about 1800 days and several pots tapped out through the lining last year. We want autopsies, a diagnosis of why linings fail and early warning of failures.",
  "cell life|lining failure|tap-out", 6,
  {"ce-3": 3, "ce-4": 3, "ce-2": 1, "ce-1": 1})
